#pragma once
// A streamable-HTTP session: who owns it, where it was opened, its MCP protocol state and its SSE
// streams. Stream 0 is the standalone GET stream; POST streams are numbered from 1.
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mcp/scope.h"
#include "mcp/session_state.h"
#include "transport/event_store.h"

namespace mcpgw::transport {

// One logical SSE stream. Every message is stored before it is sent, and sent only once the
// store holds it durably (durable_seq), so the connection that carries the stream is only a
// reader of the store; at most one reader is attached at a time (a new one replaces the old:
// nothing is ever broadcast to two connections).
//
// Where several nodes share the store (EventStore::shared), a stream is one of three kinds:
// local (this node numbers its events: its POST streams), sequenced (the store numbers them, as
// any node may append: the GET stream), or remote (another node's POST stream that a client
// resumed here, only read). The last two learn of their events through the store (follow()).
class Stream : public std::enable_shared_from_this<Stream>, public StreamFollower {
 public:
  enum class Kind { local, sequenced, remote };
  Stream(std::string session_id, std::uint64_t number, EventStore& store, Kind kind = Kind::local);
  ~Stream() override;
  // A sequenced or remote stream starts following the store (it needs shared_from_this).
  void follow();
  Kind kind() const { return kind_; }

  const std::string& key() const { return key_; }
  std::uint64_t number() const { return number_; }
  const std::string& session_id() const { return session_id_; }

  // Stores a message as the next event and wakes the reader. Returns its seq (for a sequenced
  // stream, nonzero: the store gives the seq); 0 when the stream is already finished, or remote
  // (the message is dropped).
  // dedupe (a sequenced stream only): a key the stream keeps one event of, whichever nodes
  // append it (a catalog change every node holding the session announces).
  std::uint64_t append(std::string data, std::string dedupe = {});
  // No more events: the POST stream's response is in, or the session ended.
  void finish();
  bool finished() const;
  std::uint64_t last_seq() const;
  // The highest seq up to which every event is durable: what a reader may send.
  std::uint64_t durable_seq() const { return durable_.load(std::memory_order_acquire); }

  // A shared store's record of this POST stream (EventStore::open_post_stream) is on its way:
  // until recorded(), a reader sends nothing, not even the priming event with the stream's id.
  void expect_record() { recorded_.store(false, std::memory_order_release); }
  void mark_recorded();
  bool recorded() const { return recorded_.load(std::memory_order_acquire); }

  // A POST stream is pinned from its opening until its POST is done with it (answered and sent,
  // or the client gone: PostJob's end): the session never forgets a pinned stream, nor one a
  // reader is reading, however many it has (a finished stream still being sent lost its events
  // that way, and its response never ended, with 32 calls at once in one session).
  void pin() { pinned_.store(true, std::memory_order_release); }
  void unpin() { pinned_.store(false, std::memory_order_release); }
  bool pinned() const { return pinned_.load(std::memory_order_acquire); }

  // Attaches a reader and returns its token; a previous reader is woken and sees is_reader false.
  std::uint64_t attach(std::function<void()> waker);
  bool is_reader(std::uint64_t token) const;
  void detach(std::uint64_t token);
  bool has_reader() const;

  EventStore& store() const { return store_; }

  // StreamFollower: the store holds this stream's events up to seq; a remote stream ended.
  void advanced(std::uint64_t seq) override;
  void ended() override { finish(); }
  bool wanted() const override { return has_reader(); }

 private:
  const std::string session_id_;
  const std::uint64_t number_;
  const std::string key_;
  const Kind kind_;
  void mark_durable(std::uint64_t seq);
  void wake();

  EventStore& store_;
  mutable std::mutex mutex_;  // seq_, finished_, and the order of appends into the store
  std::uint64_t seq_;
  bool finished_ = false;
  std::atomic<std::uint64_t> durable_;
  std::atomic<bool> recorded_{true};
  std::atomic<bool> pinned_{false};
  // Apart from mutex_: a store may report durability from inside append (memory) or from its
  // writer thread while an append waits for room in its queue.
  mutable std::mutex reader_mutex_;  // reader_, next_token_, waker_
  std::uint64_t reader_ = 0;
  std::uint64_t next_token_ = 0;
  std::function<void()> waker_;
};

class Session {
 public:
  Session(std::string id, std::string subject, mcp::Scope scope,
          std::shared_ptr<mcp::SessionState> state, EventStore& store);

  const std::string& id() const { return id_; }
  const std::string& subject() const { return subject_; }
  const mcp::Scope& scope() const { return scope_; }
  ~Session();
  mcp::SessionState& state() { return *state_; }
  EventStore& store() const { return store_; }

  std::shared_ptr<Stream> standalone();
  // request_ids (JSON texts of the ids of the requests it answers): with a shared store, the
  // stream is recorded with them and this node, before its first event and before a reader
  // sends even its id, so that a node the client resumes it on knows whose it is.
  std::shared_ptr<Stream> open_post_stream(const std::vector<std::string>& request_ids = {});
  // A stream of this session by number (for Last-Event-ID); null when unknown or long gone.
  // With a shared store, a POST stream this node does not know is another node's: followed
  // from the store (Stream::Kind::remote).
  std::shared_ptr<Stream> stream(std::uint64_t number);
  // This session was restored from the registry (after a restart, or on another node than the
  // one that created it, which may still be serving it too): its POST streams are numbered in
  // a random block of their own, so that two nodes opening streams of one session never give
  // two streams one number (the events of one would overwrite the other's in the store).
  void number_streams_apart();

  void touch();
  std::chrono::steady_clock::time_point last_used() const;
  bool has_reader() const;

  // Finishes every stream (their readers end) and fails pending server-to-client requests.
  void close();
  bool closed() const { return closed_.load(); }

  // Finished POST streams kept for resumption; older ones are forgotten with their events (not
  // those pinned or being read: Stream::pin).
  static constexpr std::size_t kKeptStreams = 32;

 private:
  const std::string id_;
  const std::string subject_;
  const mcp::Scope scope_;
  // Shared: work on the session's behalf that may outlive it (an upstream's GET stream) holds it.
  const std::shared_ptr<mcp::SessionState> state_;
  EventStore& store_;
  std::atomic<std::int64_t> last_used_;
  std::atomic<bool> closed_{false};
  mutable std::mutex mutex_;
  std::uint64_t next_stream_ = 1;
  std::map<std::uint64_t, std::shared_ptr<Stream>> streams_;  // includes 0 once opened
};

}  // namespace mcpgw::transport
