#pragma once
// Durable SSE events, so that Last-Event-ID resumption survives a restart. Writes are queued and
// committed in batches (group commit); they never block the caller. Reads block.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::store {

// Trimming a stream to its bound costs a DELETE: its appends trim it every kTrimEvery seqs, not
// at each one (append_event's trim_through, and append_sequenced_event's keep).
inline constexpr std::uint64_t kTrimEvery = 16;

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

  // A stream that several nodes append to (a session's GET stream when nodes share the
  // database): the database gives the event the stream's next seq (stream_heads, under that
  // row's lock), so seqs follow commit order across nodes and a reader that saw seq n has seen
  // every event before it. An event whose dedupe key (when not empty) the stream has already is
  // not added. Keeps the stream's newest `keep` events; after_commit as above.
  virtual void append_sequenced_event(const std::string& session_id, const std::string& stream_id,
                                      std::string payload, std::string dedupe, std::uint64_t keep,
                                      std::function<void()> after_commit) = 0;
  // Blocking. Up to max events of the stream with seq > after, oldest first.
  virtual std::vector<EventRow> events_after(const std::string& stream_id, std::uint64_t after,
                                             std::size_t max) = 0;
};

}  // namespace mcpgw::store
