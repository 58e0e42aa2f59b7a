#pragma once
// Events and sessions kept in the database (SQLite or PostgreSQL), so that sessions and
// Last-Event-ID resumption survive a
// restart. Reads are served from memory (the same bounded rings as MemoryEventStore); writes
// go to the store's durable session and event repositories, which queue them for one writer
// thread that commits in batches. After a restart, a session and its events are loaded from
// the database the first time the session is used.
#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_set>

#include "store/database_options.h"
#include "transport/memory_event_store.h"
#include "transport/session_registry.h"

namespace mcpgw::store {
class SessionEventStore;
}

namespace mcpgw::transport {

class DurableEventStore final : public EventStore, public SessionRegistry {
 public:
  // max_age: events and sessions older than this are deleted (retention by age).
  DurableEventStore(store::DatabaseOptions db, std::size_t max_per_stream,
                    std::chrono::milliseconds max_age);
  ~DurableEventStore() override;  // commits what is queued

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
  void erase_stream(const std::string& session_id, const std::string& stream_key) override;

  void save(const SessionRecord& record) override;
  void touch(const std::string& id, std::int64_t last_used_at) override;
  void remove(const std::string& id) override;
  std::optional<SessionRecord> restore(const std::string& id, std::uint64_t& max_stream) override;

  // Waits until every write so far is committed.
  void flush() override;

 private:
  std::size_t max_per_stream_;
  std::chrono::milliseconds max_age_;
  MemoryEventStore memory_;
  // Sessions whose removal is queued but not yet committed: restore() must not bring them back.
  std::mutex removing_mutex_;
  std::unordered_set<std::string> removing_;
  // Last: destroyed first, committing the queue while what its callbacks touch still exists.
  std::unique_ptr<store::SessionEventStore> durable_;
};

}  // namespace mcpgw::transport
