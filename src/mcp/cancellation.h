#pragma once
// The cancellation of one request that no session tracks (a modern request: its client cancels
// by closing the response stream; a pending call: also when nobody comes back for it). Thread-
// safe: the transport cancels from its connection, handlers register hooks from their own.
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

namespace mcpgw::mcp {

class Cancellation {
 public:
  bool cancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
  }
  // Runs hook when the request is cancelled: at once when it already is.
  void on_cancel(std::function<void()> hook) {
    {
      std::lock_guard lock(mutex_);
      if (!cancelled_) {
        hooks_.push_back(std::move(hook));
        return;
      }
    }
    hook();
  }
  void cancel() {
    std::vector<std::function<void()>> hooks;
    {
      std::lock_guard lock(mutex_);
      if (cancelled_) return;
      cancelled_ = true;
      hooks.swap(hooks_);
    }
    for (auto& h : hooks)
      h();
  }

 private:
  mutable std::mutex mutex_;
  bool cancelled_ = false;
  std::vector<std::function<void()>> hooks_;
};

}  // namespace mcpgw::mcp
