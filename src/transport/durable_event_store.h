#pragma once
// Events and sessions kept in the database (SQLite or PostgreSQL), so that sessions and
// Last-Event-ID resumption survive a
// restart. Reads are served from memory (the same bounded rings as MemoryEventStore); writes
// go to the store's durable session and event repositories, which queue them for one writer
// thread that commits in batches. After a restart, a session and its events are loaded from
// the database the first time the session is used.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "store/database_options.h"
#include "transport/memory_event_store.h"
#include "transport/session_registry.h"

namespace mcpgw::store {
class SessionEventStore;
}

namespace mcpgw::transport {

//
// Shared (a node_id given: nodes share the PostgreSQL database): the GET streams are numbered by
// the database, POST streams are recorded with the node that answers them, and one thread here
// follows the streams this node's clients read but other nodes write: at once when the
// database announces a commit (notify), else by polling a followed POST stream every
// kFollowPoll; a POST stream whose node's lease ran out unanswered is answered here with
// lost-call errors.
class DurableEventStore final : public EventStore, public SessionRegistry {
 public:
  // max_age: events and sessions older than this are deleted (retention by age).
  // prunes_here (several nodes): whether this node does the retention now.
  DurableEventStore(store::DatabaseOptions db, std::size_t max_per_stream,
                    std::chrono::milliseconds max_age, std::string node_id = {},
                    std::chrono::milliseconds lease = std::chrono::seconds(5),
                    std::function<bool()> prunes_here = {});
  ~DurableEventStore() override;  // commits what is queued

  static constexpr std::chrono::milliseconds kFollowPoll{100};

  bool shared() const override { return !node_id_.empty(); }
  void append_sequenced(const std::string& session_id, const std::string& stream_key,
                        std::string data, std::string dedupe) override;
  void follow(const std::string& stream_key, std::weak_ptr<StreamFollower> follower,
              bool remote) override;
  void unfollow(const std::string& stream_key, const StreamFollower* follower) override;
  void refresh(const std::string& stream_key) override;
  void catch_up(const std::string& stream_key) override;
  void open_post_stream(const std::string& session_id, const std::string& stream_key,
                        const std::vector<std::string>& request_ids,
                        std::function<void()> on_durable) override;
  void finish_post_stream(const std::string& stream_key) override;
  // The database announced commits to this stream (empty: the announcements may have been
  // missed, so every followed stream).
  void notify(const std::string& stream_key);

  void append(const std::string& session_id, const std::string& stream_key, std::uint64_t seq,
              std::string data) override;
  // on_durable runs on the writer thread once the batch holding the event is committed.
  void append_durable(const std::string& session_id, const std::string& stream_key,
                      std::uint64_t seq, std::string data,
                      std::function<void()> on_durable) override;
  std::vector<StoredEvent> read_after(const std::string& stream_key, std::uint64_t after,
                                      std::size_t max) const override;
  std::uint64_t last_seq(const std::string& stream_key) const override;
  void erase_session(const std::string& session_id) override;
  void forget_session(const std::string& session_id) override { memory_.erase_session(session_id); }
  void erase_stream(const std::string& session_id, const std::string& stream_key) override;

  void save(const SessionRecord& record) override;
  void touch(const std::string& id, std::int64_t last_used_at) override;
  void remove(const std::string& id) override;
  std::optional<SessionRecord> restore(const std::string& id, std::uint64_t& max_stream) override;

  std::optional<HeldSubscription> hold_subscription(const std::string& session_id,
                                                    const std::string& uri) override;
  std::optional<HeldSubscription> drop_subscription(const std::string& session_id,
                                                    const std::string& uri) override;
  std::vector<HeldSubscription> held_subscriptions() override;
  std::vector<HeldSubscription> orphaned_subscriptions(std::size_t max, bool thorough) override;
  bool claim_subscription(const HeldSubscription& orphan) override;

  // Waits until every write so far is committed.
  void flush() override;

 private:
  struct Followed {
    std::weak_ptr<StreamFollower> follower;
    const StreamFollower* raw = nullptr;
    bool remote = false;
  };
  void follow_loop();
  // One step of following: the stream's new events into memory, then (remote) its end or its
  // take-over. Serialized per stream by catching_up_mutex_.
  // always: even a stream nobody reads yet (catch_up, before its reader attaches).
  void step(const std::string& stream_key, bool always = false);
  std::vector<std::string> lost_calls(const std::string& stream_key,
                                      const std::vector<std::string>& request_ids) const;

  std::size_t max_per_stream_;
  std::chrono::milliseconds max_age_;
  const std::string node_id_;
  const std::chrono::milliseconds lease_;
  MemoryEventStore memory_;
  std::mutex follow_mutex_;  // followed_, pending_, stopping_
  std::condition_variable follow_wake_;
  std::unordered_map<std::string, Followed> followed_;
  std::set<std::string> pending_;
  bool stopping_ = false;
  std::mutex catching_up_mutex_;
  std::thread follower_;  // only when shared
  // Sessions whose removal is queued but not yet committed: restore() must not bring them back.
  std::mutex removing_mutex_;
  std::unordered_set<std::string> removing_;
  // Last: destroyed first, committing the queue while what its callbacks touch still exists.
  std::unique_ptr<store::SessionEventStore> durable_;
};

}  // namespace mcpgw::transport
