#include "gateway/session_pool.h"

#include <algorithm>

namespace mcpgw::gateway {

std::shared_ptr<UpstreamSessions> SessionPool::get(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  // A sweep costs a pass over the keys: at most four per idle period.
  if (now - last_sweep_ >= idle_ / 4) expire(now);
  auto it = entries_.find(key);
  if (it == entries_.end()) {
    if (entries_.size() >= capacity_) make_room();
    it = entries_.emplace(key, Entry{std::make_shared<UpstreamSessions>(), now}).first;
  }
  it->second.used = now;
  return it->second.sessions;
}

std::size_t SessionPool::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void SessionPool::expire(Clock::time_point now) {
  last_sweep_ = now;
  for (auto it = entries_.begin(); it != entries_.end();) {
    // Still held by a request in flight: not idle, whatever the clock says.
    if (now - it->second.used >= idle_ && it->second.sessions.use_count() == 1) {
      it->second.sessions->close_all();
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

void SessionPool::make_room() {
  auto oldest = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->second.sessions.use_count() == 1 &&
        (oldest == entries_.end() || it->second.used < oldest->second.used))
      oldest = it;
  // Every key busy: the pool grows past capacity rather than cut a call short.
  if (oldest == entries_.end()) return;
  oldest->second.sessions->close_all();
  entries_.erase(oldest);
}

}  // namespace mcpgw::gateway
