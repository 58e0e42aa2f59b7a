#pragma once
#include <array>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "transport/event_store.h"

namespace mcpgw::transport {

// A bounded ring of events per stream, in memory. Sharded by stream so that sessions rarely meet
// on a lock.
class MemoryEventStore : public EventStore {
 public:
  explicit MemoryEventStore(std::size_t max_per_stream) : max_per_stream_(max_per_stream) {}

  void append(const std::string& session_id, const std::string& stream_key, std::uint64_t seq,
              std::string data) override;
  std::vector<StoredEvent> read_after(const std::string& stream_key, std::uint64_t after,
                                      std::size_t max) const override;
  std::uint64_t last_seq(const std::string& stream_key) const override;
  void erase_session(const std::string& session_id) override;
  void erase_stream(const std::string& session_id, const std::string& stream_key) override;

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::deque<StoredEvent>> streams;
  };
  Shard& shard(const std::string& key) const;

  std::size_t max_per_stream_;
  mutable std::array<Shard, kShards> shards_;
  std::mutex sessions_mutex_;
  std::unordered_map<std::string, std::unordered_set<std::string>> streams_of_session_;
};

}  // namespace mcpgw::transport
