#include "transport/durable_event_store.h"

#include <spdlog/spdlog.h>

#include <atomic>

#include <boost/json/serialize.hpp>

#include "common/clock.h"
#include "common/json_parse.h"
#include "protocol/message.h"
#include "store/sql/sql_session_event_store.h"

namespace mcpgw::transport {

namespace {
constexpr std::size_t kMaxQueuedWrites = 100'000;
using store::kTrimEvery;

store::SessionRow to_row(const SessionRecord& r) {
  return {r.id,          r.subject,      r.server_id,  r.token_servers, r.protocol_version,
          r.client_info, r.capabilities, r.created_at, r.last_used_at};
}

SessionRecord from_row(store::SessionRow r) {
  return {std::move(r.id),
          std::move(r.subject),
          std::move(r.server_id),
          std::move(r.token_servers),
          std::move(r.protocol_version),
          std::move(r.client_info),
          std::move(r.capabilities),
          r.created_at,
          r.last_used_at};
}
}  // namespace

DurableEventStore::DurableEventStore(store::DatabaseOptions db, std::size_t max_per_stream,
                                     std::chrono::milliseconds max_age, std::string node_id,
                                     std::chrono::milliseconds lease,
                                     std::function<bool()> prunes_here)
    : max_per_stream_(max_per_stream),
      max_age_(max_age),
      node_id_(std::move(node_id)),
      lease_(lease),
      memory_(max_per_stream),
      durable_(store::make_session_event_store(std::move(db), max_age, kMaxQueuedWrites,
                                               std::move(prunes_here))) {
  if (shared()) follower_ = std::thread([this] { follow_loop(); });
}

DurableEventStore::~DurableEventStore() {
  {
    std::lock_guard lock(follow_mutex_);
    stopping_ = true;
  }
  follow_wake_.notify_all();
  if (follower_.joinable()) follower_.join();
}

void DurableEventStore::append_sequenced(const std::string& session_id,
                                         const std::string& stream_key, std::string data,
                                         std::string dedupe) {
  // The event comes back through step() once committed, in the database's order with the
  // other nodes' events.
  durable_->append_sequenced_event(session_id, stream_key, std::move(data), std::move(dedupe),
                                   max_per_stream_, [this, stream_key] { refresh(stream_key); });
}

void DurableEventStore::follow(const std::string& stream_key,
                               std::weak_ptr<StreamFollower> follower, bool remote) {
  std::lock_guard lock(follow_mutex_);
  auto* raw = follower.lock().get();
  followed_[stream_key] = {std::move(follower), raw, remote};
}

void DurableEventStore::unfollow(const std::string& stream_key, const StreamFollower* follower) {
  std::lock_guard lock(follow_mutex_);
  if (auto it = followed_.find(stream_key); it != followed_.end() && it->second.raw == follower)
    followed_.erase(it);
}

void DurableEventStore::refresh(const std::string& stream_key) {
  {
    std::lock_guard lock(follow_mutex_);
    if (!followed_.count(stream_key)) return;
    pending_.insert(stream_key);
  }
  follow_wake_.notify_one();
}

void DurableEventStore::notify(const std::string& stream_key) {
  if (!stream_key.empty()) return refresh(stream_key);
  {
    std::lock_guard lock(follow_mutex_);
    for (const auto& [key, f] : followed_)
      pending_.insert(key);
  }
  follow_wake_.notify_one();
}

void DurableEventStore::catch_up(const std::string& stream_key) {
  if (shared()) step(stream_key, true);
}

void DurableEventStore::follow_loop() {
  auto next_poll = std::chrono::steady_clock::now() + kFollowPoll;
  std::unique_lock lock(follow_mutex_);
  while (!stopping_) {
    follow_wake_.wait_until(lock, next_poll, [&] { return stopping_ || !pending_.empty(); });
    if (stopping_) return;
    std::set<std::string> keys;
    keys.swap(pending_);
    // Another node's POST stream is polled (its commits are not announced); a GET stream only
    // when announced, or when its own append came back.
    if (std::chrono::steady_clock::now() >= next_poll) {
      for (const auto& [key, f] : followed_)
        if (f.remote) keys.insert(key);
      next_poll = std::chrono::steady_clock::now() + kFollowPoll;
    }
    lock.unlock();
    for (const auto& key : keys)
      step(key);
    lock.lock();
  }
}

void DurableEventStore::step(const std::string& stream_key, bool always) {
  constexpr std::size_t kBatch = 256;
  std::shared_ptr<StreamFollower> follower;
  bool remote = false;
  {
    std::lock_guard lock(follow_mutex_);
    auto it = followed_.find(stream_key);
    if (it == followed_.end()) return;
    follower = it->second.follower.lock();
    remote = it->second.remote;
  }
  // A stream nobody reads here is not fetched: a reader's attach (refresh) and a GET's
  // resolution (catch_up) bring it up to date, and a dead node's POST stream is answered then.
  if (!follower || (!always && !follower->wanted())) return;
  const auto dot = stream_key.rfind('.');
  const std::string session_id = stream_key.substr(0, dot);
  std::lock_guard serial(catching_up_mutex_);
  try {
    // The record before the events: a stream found finished has all its events committed.
    std::optional<store::PostStreamRow> record;
    if (remote) record = durable_->find_post_stream(stream_key, lease_);
    const auto events = durable_->events_after(stream_key, memory_.last_seq(stream_key), kBatch);
    for (const auto& e : events)
      memory_.append(session_id, stream_key, e.seq, e.payload);
    if (!events.empty()) follower->advanced(events.back().seq);
    if (events.size() == kBatch) return refresh(stream_key);
    if (!remote) return;
    if (!record || record->finished) {
      follower->ended();
      return unfollow(stream_key, follower.get());  // nothing more to poll for
    }
    if (record->node_alive) return;
    const auto lost = lost_calls(stream_key, record->request_ids);
    if (durable_->take_over_post_stream(stream_key, session_id, record->node_id, node_id_, lost)) {
      spdlog::warn(
          "stream {}…: node {} stopped before answering it; answered its {} request(s) "
          "with lost-call errors",
          stream_key.substr(0, 8), record->node_id, lost.size());
      refresh(stream_key);
    }
  } catch (const std::exception& e) {
    // Retried at the next announcement or poll; said at most once a second (an outage).
    static std::atomic<std::int64_t> last_said{0};
    const auto now = static_cast<std::int64_t>(unix_ms());
    if (auto said = last_said.load();
        now - said >= 1000 && last_said.compare_exchange_strong(said, now))
      spdlog::warn("following stream {}… from the database: {}", stream_key.substr(0, 8), e.what());
  }
}

// An error for each request of the stream that has no response in it yet: the node may have
// committed a response and died before its record said the stream finished.
std::vector<std::string> DurableEventStore::lost_calls(
    const std::string& stream_key, const std::vector<std::string>& request_ids) const {
  std::set<std::string> answered;
  for (const auto& e : memory_.read_after(stream_key, 0, max_per_stream_)) {
    boost::system::error_code ec;
    const auto v = parse_json(e.data, ec);
    const auto* o = ec ? nullptr : v.if_object();
    if (o && !o->contains("method") && o->contains("id"))
      answered.insert(boost::json::serialize(o->at("id")));
  }
  std::vector<std::string> out;
  for (const auto& id_text : request_ids) {
    boost::system::error_code ec;
    auto id = parse_json(id_text, ec);
    if (ec || answered.count(boost::json::serialize(id))) continue;
    out.push_back(boost::json::serialize(jsonrpc::error_response(
        id, {jsonrpc::kInternalError,
             "Request lost: the gateway node that was answering it stopped; it may be retried",
             boost::json::object{{"lost", true}, {"retryable", true}}})));
  }
  return out;
}

void DurableEventStore::open_post_stream(const std::string& session_id,
                                         const std::string& stream_key,
                                         const std::vector<std::string>& request_ids,
                                         std::function<void()> on_durable) {
  if (!shared()) return on_durable();
  durable_->open_post_stream({stream_key, session_id, node_id_, request_ids, false, true},
                             std::move(on_durable));
}

void DurableEventStore::finish_post_stream(const std::string& stream_key) {
  if (shared()) durable_->finish_post_stream(stream_key);
}

void DurableEventStore::flush() {
  durable_->flush();
}

void DurableEventStore::append(const std::string& session_id, const std::string& stream_key,
                               std::uint64_t seq, std::string data) {
  append_durable(session_id, stream_key, seq, std::move(data), {});
}

void DurableEventStore::append_durable(const std::string& session_id, const std::string& stream_key,
                                       std::uint64_t seq, std::string data,
                                       std::function<void()> on_durable) {
  std::optional<std::uint64_t> trim;
  if (seq > max_per_stream_ && seq % kTrimEvery == 0) trim = seq - max_per_stream_;
  // In memory first: by the time the commit reports it durable, a reader finds it there.
  memory_.append(session_id, stream_key, seq, data);
  durable_->append_event(session_id, {stream_key, seq, std::move(data)}, trim,
                         std::move(on_durable));
}

std::vector<StoredEvent> DurableEventStore::read_after(const std::string& stream_key,
                                                       std::uint64_t after, std::size_t max) const {
  return memory_.read_after(stream_key, after, max);
}

std::uint64_t DurableEventStore::last_seq(const std::string& stream_key) const {
  return memory_.last_seq(stream_key);
}

void DurableEventStore::erase_session(const std::string& session_id) {
  memory_.erase_session(session_id);
  durable_->erase_session_events(session_id);
}

void DurableEventStore::erase_stream(const std::string& session_id, const std::string& stream_key) {
  memory_.erase_stream(session_id, stream_key);
  durable_->erase_stream_events(stream_key);
}

void DurableEventStore::save(const SessionRecord& r) {
  durable_->save_session(to_row(r));
}

void DurableEventStore::touch(const std::string& id, std::int64_t last_used_at) {
  durable_->touch_session(id, last_used_at);
}

void DurableEventStore::remove(const std::string& id) {
  {
    std::lock_guard lock(removing_mutex_);
    removing_.insert(id);
  }
  // Only once the DELETE is on disk may restore() read the table for this id again.
  durable_->remove_session(id, [this, id] {
    std::lock_guard lock(removing_mutex_);
    removing_.erase(id);
  });
}

std::optional<SessionRecord> DurableEventStore::restore(const std::string& id,
                                                        std::uint64_t& max_stream) {
  {
    std::lock_guard lock(removing_mutex_);
    if (removing_.count(id)) return std::nullopt;  // its removal is still on its way to disk
  }
  auto row = durable_->find_session(id, unix_ms() - max_age_.count());
  if (!row) return std::nullopt;
  max_stream = 0;
  for (auto& ev : durable_->session_events(id)) {
    if (auto dot = ev.stream_id.rfind('.'); dot != std::string::npos)
      max_stream = std::max<std::uint64_t>(max_stream, std::stoull(ev.stream_id.substr(dot + 1)));
    memory_.append(id, ev.stream_id, ev.seq, std::move(ev.payload));
  }
  return from_row(std::move(*row));
}

namespace {
std::optional<HeldSubscription> held(std::optional<store::SubscriptionRow> row) {
  if (!row) return std::nullopt;
  return HeldSubscription{std::move(row->session_id), std::move(row->uri), std::move(row->node_id),
                          row->node_alive};
}
std::vector<HeldSubscription> held(std::vector<store::SubscriptionRow> rows) {
  std::vector<HeldSubscription> out;
  out.reserve(rows.size());
  for (auto& r : rows)
    out.push_back(*held(std::move(r)));
  return out;
}
}  // namespace

std::optional<HeldSubscription> DurableEventStore::hold_subscription(const std::string& session_id,
                                                                     const std::string& uri) {
  return held(durable_->hold_subscription({session_id, uri, node_id_, true}, lease_));
}

std::optional<HeldSubscription> DurableEventStore::drop_subscription(const std::string& session_id,
                                                                     const std::string& uri) {
  return held(durable_->drop_subscription(session_id, uri, lease_));
}

std::vector<HeldSubscription> DurableEventStore::held_subscriptions() {
  return held(durable_->held_subscriptions(node_id_));
}

std::vector<HeldSubscription> DurableEventStore::orphaned_subscriptions(std::size_t max,
                                                                        bool thorough) {
  if (!shared()) return {};  // one node: what it holds (the empty id) is all there is
  return held(durable_->orphaned_subscriptions(node_id_, lease_, max, thorough));
}

bool DurableEventStore::claim_subscription(const HeldSubscription& orphan) {
  return durable_->claim_subscription({orphan.session_id, orphan.uri, node_id_, true},
                                      orphan.node_id);
}

}  // namespace mcpgw::transport
