#include "transport/durable_event_store.h"

#include "common/clock.h"
#include "store/sql/sql_session_event_store.h"

namespace mcpgw::transport {

namespace {
constexpr std::size_t kMaxQueuedWrites = 100'000;
// Trimming a stream to its bound costs a DELETE; do it every few appends, not every one.
constexpr std::uint64_t kTrimEvery = 16;

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
                                     std::chrono::milliseconds max_age)
    : max_per_stream_(max_per_stream),
      max_age_(max_age),
      memory_(max_per_stream),
      durable_(store::make_session_event_store(std::move(db), max_age, kMaxQueuedWrites)) {}

DurableEventStore::~DurableEventStore() = default;

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

}  // namespace mcpgw::transport
