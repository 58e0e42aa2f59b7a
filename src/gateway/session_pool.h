#pragma once
// Upstream sessions kept on behalf of clients that have no session of their own: a modern
// (2026-07-28) client is stateless, but a legacy upstream is not, and opening a session per call
// would triple its round trips. One set of upstream sessions per key (the principal and the
// endpoint it calls), made on first use and closed after `idle` without use; at most `capacity`
// keys (the least recently used idle one is closed to make room). Sessions still open at
// shutdown are left to the upstream's own expiry, as a client session's are.
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "gateway/upstream_session.h"

namespace mcpgw::gateway {

class SessionPool {
 public:
  using Clock = std::chrono::steady_clock;
  SessionPool(std::size_t capacity, std::chrono::milliseconds idle)
      : capacity_(capacity), idle_(idle) {}
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  // The sessions of key, marked used now. What has been idle too long is closed first.
  std::shared_ptr<UpstreamSessions> get(const std::string& key,
                                        Clock::time_point now = Clock::now());
  std::size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<UpstreamSessions> sessions;
    Clock::time_point used;
  };
  void expire(Clock::time_point now);  // under mutex_
  void make_room();                    // under mutex_

  const std::size_t capacity_;
  const std::chrono::milliseconds idle_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  Clock::time_point last_sweep_{};
};

}  // namespace mcpgw::gateway
