#pragma once
// Where SSE events are kept so that a client that lost its connection can resume with
// Last-Event-ID. Events belong to one stream of one session; a stream's events are numbered
// 1, 2, 3... in the order they were sent. Implementations never block on I/O in these calls.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::transport {

struct StoredEvent {
  std::uint64_t seq = 0;
  std::string data;  // one serialized JSON-RPC message
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  // Keeps the event; older events of the stream beyond the store's bound are dropped.
  virtual void append(const std::string& session_id, const std::string& stream_key,
                      std::uint64_t seq, std::string data) = 0;
  // As append; on_durable runs once the event is durable: here, at once, for a store that keeps
  // events only in memory; on the store's writer thread after the commit for one that writes
  // them to the database (then also when the write failed, logged: a stream must not stall on
  // an outage). A stream sends an event only once it is durable, so a client can always resume
  // from the last event it saw, after any crash.
  virtual void append_durable(const std::string& session_id, const std::string& stream_key,
                              std::uint64_t seq, std::string data,
                              std::function<void()> on_durable) {
    append(session_id, stream_key, seq, std::move(data));
    on_durable();
  }
  // Up to max events of the stream with seq > after, oldest first.
  virtual std::vector<StoredEvent> read_after(const std::string& stream_key, std::uint64_t after,
                                              std::size_t max) const = 0;
  // The highest seq kept for the stream; 0 when none.
  virtual std::uint64_t last_seq(const std::string& stream_key) const = 0;
  virtual void erase_session(const std::string& session_id) = 0;
  // Drops one stream's events (a finished POST stream the session no longer keeps).
  virtual void erase_stream(const std::string& session_id, const std::string& stream_key) = 0;
};

// "<session>.<stream>": the key of stream n of a session.
std::string stream_key(std::string_view session_id, std::uint64_t stream);

// SSE event ids are "<session>.<stream>.<seq>": unique across the session's streams, and a
// cursor within one stream.
std::string event_id(std::string_view session_id, std::uint64_t stream, std::uint64_t seq);
struct EventId {
  std::string session_id;
  std::uint64_t stream = 0;
  std::uint64_t seq = 0;
};
std::optional<EventId> parse_event_id(std::string_view id);

}  // namespace mcpgw::transport
