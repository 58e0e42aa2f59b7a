#pragma once
// Where SSE events are kept so that a client that lost its connection can resume with
// Last-Event-ID. Events belong to one stream of one session; a stream's events are numbered
// 1, 2, 3... in the order they were sent. Implementations never block on I/O in these calls.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::transport {

struct StoredEvent {
  std::uint64_t seq = 0;
  std::string data;  // one serialized JSON-RPC message
};

// What follows a stream's events through the store (a Stream whose events another node may
// write): told when the events up to seq are in the store, readable and durable, and when a
// stream that another node writes has ended.
class StreamFollower {
 public:
  virtual ~StreamFollower() = default;
  virtual void advanced(std::uint64_t seq) = 0;
  virtual void ended() = 0;
  // Whether anyone reads it here now; one nobody reads is not fetched (it is caught up when a
  // reader comes: EventStore::catch_up, refresh).
  virtual bool wanted() const = 0;
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
  // Drops the session's events from this node's memory only (other nodes may still serve it).
  virtual void forget_session(const std::string& session_id) { erase_session(session_id); }
  // Drops one stream's events (a finished POST stream the session no longer keeps).
  virtual void erase_stream(const std::string& session_id, const std::string& stream_key) = 0;

  // Several nodes share this store (one PostgreSQL database). Then a session's GET stream is
  // numbered by the store, since any node may append to it (append_sequenced), and a POST stream
  // that another node writes is followed from the store; the rest are no-ops elsewhere.
  virtual bool shared() const { return false; }
  // The next event of a stream the store numbers; its follower learns the seq once durable.
  // dedupe: when not empty, a key the stream keeps one event of (Stream::append).
  virtual void append_sequenced(const std::string& /*session_id*/,
                                const std::string& /*stream_key*/, std::string /*data*/,
                                std::string /*dedupe*/) {}
  // follower is told of the stream's events as they reach the store from any node (remote: the
  // stream is another node's POST stream, and is also told when it ends). One per stream key.
  virtual void follow(const std::string& /*stream_key*/, std::weak_ptr<StreamFollower> /*follower*/,
                      bool /*remote*/) {}
  virtual void unfollow(const std::string& /*stream_key*/, const StreamFollower* /*follower*/) {}
  // Asks for the followed stream's newest events (without waiting for them).
  virtual void refresh(const std::string& /*stream_key*/) {}
  // Blocking: the followed stream's events that are in the store now are readable here when it
  // returns (a Last-Event-ID from another node is then never taken for one from the future).
  virtual void catch_up(const std::string& /*stream_key*/) {}
  // A POST stream of this node answers these requests (JSON texts of their ids), until finish;
  // on_durable runs once the record is (as append_durable's: a client given an id of the
  // stream, its priming event, can resume it on any node).
  virtual void open_post_stream(const std::string& /*session_id*/,
                                const std::string& /*stream_key*/,
                                const std::vector<std::string>& /*request_ids*/,
                                std::function<void()> on_durable) {
    on_durable();
  }
  virtual void finish_post_stream(const std::string& /*stream_key*/) {}
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
