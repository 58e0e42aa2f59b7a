#include "app/cluster.h"
#include "common/metrics.h"

#include <spdlog/spdlog.h>

#include "store/session_event_store.h"

namespace mcpgw::app {

Cluster::Cluster(store::NodeDirectory& nodes, store::ChangeFeed& feed, std::string node_id)
    : nodes_(nodes), feed_(feed), node_id_(std::move(node_id)) {}

Cluster::~Cluster() {
  stop();
}

void Cluster::start(transport::SessionManager* sessions, transport::DurableEventStore* events) {
  if (events)
    feed_.subscribe(store::SessionEventStore::kStreamChannel,
                    [events](const std::string&, const std::string& stream_key) {
                      events->notify(stream_key);
                    });
  if (sessions) {
    feed_.subscribe(store::NodeDirectory::kMailboxChannel,
                    [this, sessions](const std::string&, const std::string& node) {
                      if (!node.empty() && node != node_id_) return;
                      try {
                        for (const auto& m : nodes_.take(node_id_))
                          sessions->deliver_from_peer(m.session_id, m.payload);
                      } catch (const std::exception& e) {
                        spdlog::warn("messages from other nodes not taken: {}", e.what());
                      }
                    });
    feed_.subscribe(kSessionChannel, [sessions](const std::string&, const std::string& id) {
      if (!id.empty()) sessions->forget(id);
    });
  }
  nodes_.heartbeat(node_id_);
  refresh_alive();
  heart_ = std::thread([this] { beat(); });
  spdlog::info("node {} joined the database's nodes (heartbeat every {} ms, lease {} ms)", node_id_,
               kHeartbeat.count(), kLease.count());
}

void Cluster::beat() {
  bool failing = false;
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kHeartbeat, [this] { return stopping_; })) {
    lock.unlock();
    try {
      nodes_.heartbeat(node_id_);
      refresh_alive();
      if (failing) spdlog::info("node heartbeat: written again");
      failing = false;
    } catch (const std::exception& e) {
      // Once the lease runs out, other nodes answer this node's open requests as lost.
      if (!failing) spdlog::error("node heartbeat failed: {}", e.what());
      if (metrics::enabled())
        metrics::registry()
            .counter("mcpgw_cluster_heartbeat_failures_total",
                     "Heartbeats of this node the database did not take", {})
            .with({})
            .inc();
      failing = true;
    }
    lock.lock();
  }
}

void Cluster::refresh_alive() {
  auto alive = nodes_.alive_nodes(kLease);
  if (metrics::enabled())
    metrics::registry()
        .gauge("mcpgw_cluster_nodes_alive", "Nodes whose lease is current, this one included", {})
        .with({})
        .set(static_cast<double>(alive.size() + 1));
  std::lock_guard lock(mutex_);
  alive_ = std::move(alive);
}

namespace {
// FNV-1a with a final mix: the same on every node and every build, unlike std::hash.
std::uint64_t fnv1a(std::string_view a, std::string_view b) {
  std::uint64_t h = 14695981039346656037ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  mix(a);
  mix(std::string_view("\0", 1));
  mix(b);
  // FNV alone orders names that differ in one early byte the same for every chore; a final
  // avalanche (MurmurHash3's fmix64) spreads them.
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}
}  // namespace

bool Cluster::leads(std::string_view chore) const {
  std::lock_guard lock(mutex_);
  const std::string* best = &node_id_;
  std::uint64_t best_score = fnv1a(node_id_, chore);
  for (const auto& n : alive_) {
    const auto s = fnv1a(n, chore);
    if (s > best_score || (s == best_score && n < *best)) {
      best_score = s;
      best = &n;
    }
  }
  return *best == node_id_;
}

void Cluster::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !heart_.joinable()) return;
    stopping_ = true;
  }
  wake_.notify_all();
  heart_.join();
  try {
    nodes_.leave(node_id_);
  } catch (const std::exception& e) {
    spdlog::warn("node {} could not record that it left: {}", node_id_, e.what());
  }
}

void Cluster::send(const std::string& node_id, const std::string& session_id, std::string message) {
  nodes_.post(node_id, {session_id, std::move(message)});
}

void Cluster::session_ended(const std::string& session_id) {
  feed_.publish(kSessionChannel, session_id);
}

}  // namespace mcpgw::app
