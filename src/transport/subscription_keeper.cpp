#include "transport/subscription_keeper.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <optional>
#include <set>

#include "common/offload.h"
#include "mcp/server.h"
#include "protocol/errors.h"
#include "protocol/names.h"
#include "transport/peers.h"
#include "transport/session_manager.h"

namespace mcpgw::transport {
namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using Clock = std::chrono::steady_clock;
using Recorded = std::map<std::string, std::set<std::string>>;  // session id → URIs

namespace {
std::string key(const std::string& session_id, const std::string& uri) {
  return session_id + '\n' + uri;
}
std::string short_id(const std::string& id) {
  return id.substr(0, 8) + "…";
}
}  // namespace

// What the scan, the recorders and the notices share; the scan's coroutine holds it too.
struct SubscriptionKeeper::State {
  std::mutex mutex;
  std::map<std::string, Clock::time_point> changed;  // session id → its last recorder call
  std::set<std::string> releasing;                   // key(): unsubscribed without a record
  struct Retry {
    Clock::time_point at;
    std::chrono::milliseconds delay;
  };
  std::map<std::string, Retry> retries;  // key(): a renewal that failed
  // A record that failed (the database was out): key() → held; tried again by the next scan,
  // so that neither a release nor a renewal follows from the stale record.
  std::map<std::string, std::pair<std::string, bool>> unrecorded;
  std::optional<asio::any_io_executor> ex;
  std::unique_ptr<asio::steady_timer> timer;
  std::atomic<bool> stopped{false};  // read by the scan loop without the mutex
  std::uint64_t next_id = 0;

  void note_change(const std::string& session_id) {
    std::lock_guard lock(mutex);
    changed[session_id] = Clock::now();
  }
  // Changed since t: what the registry said at t may be out of date for this session.
  bool changed_since(const std::string& session_id, Clock::time_point t) {
    std::lock_guard lock(mutex);
    auto it = changed.find(session_id);
    return it != changed.end() && it->second >= t;
  }
};

SubscriptionKeeper::SubscriptionKeeper(SessionManager& sessions, const mcp::Server& server,
                                       asio::thread_pool& blocking)
    : sessions_(sessions),
      registry_(*sessions.registry()),
      peers_(sessions.peers()),
      server_(server),
      blocking_(blocking),
      state_(std::make_shared<State>()) {
  sessions_.on_session([this](Session& s) {
    s.state().set_subscription_recorder(
        [this, id = s.id()](const std::string& uri, bool held) { return record(id, uri, held); });
  });
  sessions_.on_peer_notice([this](const std::string& session_id, const jsonrpc::Message& m) {
    on_notice(session_id, m);
  });
}

SubscriptionKeeper::~SubscriptionKeeper() {
  stop();
}

void SubscriptionKeeper::start(asio::any_io_executor ex) {
  {
    std::lock_guard lock(state_->mutex);
    state_->ex = ex;
    state_->timer = std::make_unique<asio::steady_timer>(ex);
  }
  asio::co_spawn(
      ex,
      [this, st = state_]() -> awaitable<void> {
        for (unsigned n = 0;; ++n) {
          st->timer->expires_after(kScan);
          auto [ec] = co_await st->timer->async_wait(asio::as_tuple(asio::use_awaitable));
          if (ec || st->stopped) co_return;
          try {
            co_await scan(n % kCompareEvery == 0, n % kThoroughEvery == 0);
          } catch (const std::exception& e) {
            spdlog::warn("subscriptions: the scan failed ({}); again in {} ms", e.what(),
                         kScan.count());
          }
        }
      },
      asio::detached);
}

void SubscriptionKeeper::stop() {
  std::lock_guard lock(state_->mutex);
  if (state_->stopped || !state_->timer) return;
  state_->stopped = true;
  asio::post(*state_->ex, [st = state_] { st->timer->cancel(); });
}

awaitable<void> SubscriptionKeeper::record(const std::string& session_id, const std::string& uri,
                                           bool held) {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->releasing.count(key(session_id, uri))) co_return;  // a release: not recorded
  }
  state_->note_change(session_id);
  std::optional<HeldSubscription> before;
  try {
    co_await offload(blocking_, [&] {
      before = held ? registry_.hold_subscription(session_id, uri)
                    : registry_.drop_subscription(session_id, uri);
    });
    std::lock_guard lock(state_->mutex);
    state_->unrecorded.erase(key(session_id, uri));
  } catch (const std::exception& e) {
    spdlog::warn("session {}: the subscription to {} is not recorded ({}); tried again in {} ms",
                 short_id(session_id), uri, e.what(), kScan.count());
    std::lock_guard lock(state_->mutex);
    state_->unrecorded[key(session_id, uri)] = {session_id, held};
  }
  state_->note_change(session_id);
  // Held by another live node: it stops now rather than at its next scan.
  if (!before || !peers_ || !before->node_alive || before->node_id == peers_->node_id()) co_return;
  const std::string notice =
      json::serialize(jsonrpc::notification(kMovedNotice, json::object{{"uri", uri}}));
  const std::string& node = before->node_id;
  try {
    co_await offload(blocking_, [&] { peers_->send(node, session_id, notice); });
  } catch (const std::exception& e) {
    spdlog::info("session {}: node {} not told that the subscription to {} moved ({})",
                 short_id(session_id), node, uri, e.what());
  }
}

void SubscriptionKeeper::on_notice(const std::string& session_id, const jsonrpc::Message& m) {
  if (m.method != kMovedNotice || !m.params.is_object()) return;
  const auto* uri = m.params.get_object().if_contains("uri");
  if (!uri || !uri->is_string()) return;
  auto s = sessions_.find(session_id);
  std::optional<asio::any_io_executor> ex;
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->stopped) ex = state_->ex;
  }
  if (!s || !ex) return;
  asio::co_spawn(
      *ex,
      [this, s, u = std::string(uri->get_string())]() -> awaitable<void> {
        if (s->state().subscribed(u)) co_await release(s, u);
      },
      asio::detached);
}

awaitable<void> SubscriptionKeeper::scan(bool compare, bool thorough) {
  const auto started = Clock::now();
  std::map<std::string, std::pair<std::string, bool>> unrecorded;
  {
    std::lock_guard lock(state_->mutex);
    unrecorded.swap(state_->unrecorded);
  }
  for (const auto& [k, r] : unrecorded) {
    const std::string uri = k.substr(r.first.size() + 1);  // named: not a temporary in co_await
    co_await record(r.first, uri, r.second);
  }
  Recorded mine;
  if (compare)
    co_await offload(blocking_, [&] {
      for (auto& h : registry_.held_subscriptions())
        mine[h.session_id].insert(std::move(h.uri));
    });
  if (peers_) co_await claim_orphans(mine, thorough);
  // Held here, recorded for another node or none: released.
  // (Named locals, not temporaries, around the co_awaits: GCC 12, common/offload.h.)
  std::vector<std::shared_ptr<Session>> holding;
  if (compare) holding = sessions_.with_subscriptions();
  for (const auto& s : holding) {
    if (state_->changed_since(s->id(), started)) continue;
    const auto it = mine.find(s->id());
    const std::vector<std::string> uris = s->state().subscriptions();
    for (const auto& uri : uris)
      if (it == mine.end() || !it->second.count(uri)) co_await release(s, uri);
  }
  co_await renew_all(mine, started);
  std::lock_guard lock(state_->mutex);
  std::erase_if(state_->changed, [&](const auto& c) { return c.second < started - 2 * kScan; });
}

awaitable<void> SubscriptionKeeper::claim_orphans(Recorded& mine, bool thorough) {
  std::vector<HeldSubscription> orphans;
  co_await offload(blocking_,
                   [&] { orphans = registry_.orphaned_subscriptions(kOrphansPerScan, thorough); });
  for (const auto& o : orphans) {
    if (!peers_->leads("session:" + o.session_id)) continue;
    bool claimed = false;
    co_await offload(blocking_, [&] { claimed = registry_.claim_subscription(o); });
    if (!claimed) continue;
    spdlog::info("session {}: the subscription to {} taken over from node {}, whose lease ran out",
                 short_id(o.session_id), o.uri, o.node_id);
    mine[o.session_id].insert(o.uri);
  }
}

// Recorded here, not held: renewed (the session restored first when this node lacks it).
awaitable<void> SubscriptionKeeper::renew_all(const Recorded& mine, Clock::time_point started) {
  for (const auto& entry : mine) {
    // Named, not bound: a lambda may not capture a structured binding (clang before C++20's P1091).
    const std::string& session_id = entry.first;
    const auto& uris = entry.second;
    if (state_->changed_since(session_id, started)) continue;
    std::shared_ptr<Session> s = sessions_.find(session_id);
    if (!s) co_await offload(blocking_, [&] { s = sessions_.restore(session_id); });
    if (!s) {
      // Gone (ended, or past its TTL): so are its subscriptions, and their retries.
      co_await offload(blocking_, [&] {
        for (const auto& uri : uris)
          registry_.drop_subscription(session_id, uri);
      });
      std::lock_guard lock(state_->mutex);
      for (const auto& uri : uris)
        state_->retries.erase(key(session_id, uri));
      continue;
    }
    for (const auto& uri : uris) {
      if (s->state().subscribed(uri)) continue;
      {
        std::lock_guard lock(state_->mutex);
        auto r = state_->retries.find(key(session_id, uri));
        if (r != state_->retries.end() && r->second.at > Clock::now()) continue;
      }
      co_await renew(s, uri);
    }
  }
}

awaitable<std::optional<jsonrpc::Error>> SubscriptionKeeper::run(const std::shared_ptr<Session>& s,
                                                                 const std::string& uri, bool on) {
  // As the client would ask it, under what its session was opened with.
  const auth::Principal principal{
      s->subject(), {std::string(auth::kScopeMcp)}, s->scope().token_servers, "session"};
  jsonrpc::Message m;
  m.kind = jsonrpc::Message::Kind::request;
  std::uint64_t n = 0;
  {
    std::lock_guard lock(state_->mutex);
    n = ++state_->next_id;
  }
  m.id = json::string("mcpgw-keeper-" + std::to_string(n));
  m.method = on ? protocol::method::kResourcesSubscribe : protocol::method::kResourcesUnsubscribe;
  m.params = json::object{{"uri", uri}};
  const std::string log_id = "subscriptions-" + std::to_string(n);
  mcp::RequestContext ctx({&s->state(), &principal, s->scope(), s->state().protocol_version(), m.id,
                           log_id, nullptr, nullptr});
  mcp::Outcome out = co_await server_.dispatcher().run(ctx, m);
  co_return out.error;
}

awaitable<void> SubscriptionKeeper::renew(const std::shared_ptr<Session>& s,
                                          const std::string& uri) {
  const std::optional<jsonrpc::Error> error = co_await run(s, uri, true);
  const std::string k = key(s->id(), uri);
  if (!error) {
    spdlog::info("session {}: the subscription to {} renewed on this node", short_id(s->id()), uri);
    // The resource may have changed while nobody held the subscription (the upstream told the
    // node that died, or nobody): the client is told once, and re-reads it.
    s->state().send_standalone(json::serialize(jsonrpc::notification(
        protocol::notification::kResourceUpdated, json::object{{"uri", uri}})));
    std::lock_guard lock(state_->mutex);
    state_->retries.erase(k);
    co_return;
  }
  if (error->code == protocol::error::kResourceNotFound) {
    spdlog::info("session {}: the subscription to {} dropped: the resource is gone",
                 short_id(s->id()), uri);
    co_await offload(blocking_, [&] { registry_.drop_subscription(s->id(), uri); });
    std::lock_guard lock(state_->mutex);
    state_->retries.erase(k);
    co_return;
  }
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(state_->mutex);
    auto& r = state_->retries[k];
    r.delay = r.delay.count() ? std::min<std::chrono::milliseconds>(r.delay * 2, kMaxBackoff)
                              : std::chrono::milliseconds(kScan);
    r.at = Clock::now() + r.delay;
    delay = r.delay;
  }
  spdlog::warn("session {}: the subscription to {} not renewed ({}); again in {} s",
               short_id(s->id()), uri, error->message, delay.count() / 1000);
}

awaitable<void> SubscriptionKeeper::release(const std::shared_ptr<Session>& s,
                                            const std::string& uri) {
  const std::string k = key(s->id(), uri);
  {
    std::lock_guard lock(state_->mutex);
    state_->releasing.insert(k);
  }
  const std::optional<jsonrpc::Error> error = co_await run(s, uri, false);
  {
    std::lock_guard lock(state_->mutex);
    state_->releasing.erase(k);
  }
  spdlog::info("session {}: the subscription to {} released here: another node holds it, or none",
               short_id(s->id()), uri);
  if (error)
    spdlog::debug("session {}: unsubscribing {} upstream: {}", short_id(s->id()), uri,
                  error->message);
}

}  // namespace mcpgw::transport
