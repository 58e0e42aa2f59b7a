#pragma once
// Durable SSE events, so that Last-Event-ID resumption survives a restart. Writes are queued and
// committed in batches (group commit); they never block the caller. Reads block.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::store {

struct EventRow {
  std::string stream_id;
  std::uint64_t seq = 0;
  std::string payload;
};

class EventRepository {
 public:
  virtual ~EventRepository() = default;
  // Inserts or replaces the event (stream_id, seq); when trim_through is set, also deletes the
  // stream's events up to and including that seq (the stream's bound). after_commit, when
  // given, runs once the event is durable (or its write failed and was dropped, logged).
  virtual void append_event(const std::string& session_id, EventRow event,
                            std::optional<std::uint64_t> trim_through,
                            std::function<void()> after_commit = {}) = 0;
  virtual void erase_session_events(const std::string& session_id) = 0;
  virtual void erase_stream_events(const std::string& stream_id) = 0;
  // Blocking. The session's events ordered by (stream_id, seq).
  virtual std::vector<EventRow> session_events(const std::string& session_id) = 0;
};

}  // namespace mcpgw::store
