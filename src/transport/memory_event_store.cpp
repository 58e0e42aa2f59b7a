#include "transport/memory_event_store.h"

#include <algorithm>
#include <functional>

namespace mcpgw::transport {

MemoryEventStore::Shard& MemoryEventStore::shard(const std::string& key) const {
  return shards_[std::hash<std::string>{}(key) % kShards];
}

void MemoryEventStore::append(const std::string& session_id, const std::string& stream_key,
                              std::uint64_t seq, std::string data) {
  bool first = false;
  {
    auto& s = shard(stream_key);
    std::lock_guard lock(s.mutex);
    auto& ring = s.streams[stream_key];
    // A stream's events arrive in seq order; one already here (a session restored twice, a
    // stream followed from the database by two threads) is not added again.
    if (!ring.empty() && seq <= ring.back().seq) return;
    first = ring.empty();
    ring.push_back({seq, std::move(data)});
    while (ring.size() > max_per_stream_)
      ring.pop_front();
  }
  if (first) {
    std::lock_guard lock(sessions_mutex_);
    streams_of_session_[session_id].insert(stream_key);
  }
}

std::vector<StoredEvent> MemoryEventStore::read_after(const std::string& stream_key,
                                                      std::uint64_t after, std::size_t max) const {
  std::vector<StoredEvent> out;
  auto& s = shard(stream_key);
  std::lock_guard lock(s.mutex);
  auto it = s.streams.find(stream_key);
  if (it == s.streams.end()) return out;
  const auto& ring = it->second;
  auto from = std::upper_bound(ring.begin(), ring.end(), after,
                               [](std::uint64_t a, const StoredEvent& e) { return a < e.seq; });
  for (; from != ring.end() && out.size() < max; ++from)
    out.push_back(*from);
  return out;
}

std::uint64_t MemoryEventStore::last_seq(const std::string& stream_key) const {
  auto& s = shard(stream_key);
  std::lock_guard lock(s.mutex);
  auto it = s.streams.find(stream_key);
  return it == s.streams.end() || it->second.empty() ? 0 : it->second.back().seq;
}

void MemoryEventStore::erase_session(const std::string& session_id) {
  std::unordered_set<std::string> keys;
  {
    std::lock_guard lock(sessions_mutex_);
    auto it = streams_of_session_.find(session_id);
    if (it == streams_of_session_.end()) return;
    keys.swap(it->second);
    streams_of_session_.erase(it);
  }
  for (const auto& k : keys) {
    auto& s = shard(k);
    std::lock_guard lock(s.mutex);
    s.streams.erase(k);
  }
}

void MemoryEventStore::erase_stream(const std::string& session_id, const std::string& stream_key) {
  {
    auto& s = shard(stream_key);
    std::lock_guard lock(s.mutex);
    s.streams.erase(stream_key);
  }
  std::lock_guard lock(sessions_mutex_);
  if (auto it = streams_of_session_.find(session_id); it != streams_of_session_.end())
    it->second.erase(stream_key);
}

}  // namespace mcpgw::transport
