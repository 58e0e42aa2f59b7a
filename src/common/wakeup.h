#pragma once
// A one-shot wake-up for a coroutine that runs on a strand: hand waker() to whoever will wake it
// (from any thread), then co_await wait(). A wake that comes before the wait is not lost.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace mcpgw {

class Wakeup {
 public:
  // ex: the strand the waiting coroutine runs on.
  explicit Wakeup(boost::asio::any_io_executor ex) : s_(std::make_shared<State>(ex)) {}

  std::function<void()> waker() const {
    return [s = s_] {
      s->woken = true;
      boost::asio::post(s->timer.get_executor(), [s] { s->timer.cancel(); });
    };
  }

  // True when woken, false when the timeout passed first.
  boost::asio::awaitable<bool> wait(std::chrono::steady_clock::duration timeout) {
    if (s_->woken) co_return true;
    s_->timer.expires_after(timeout);
    co_await s_->timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    co_return s_->woken.load();
  }

 private:
  struct State {
    explicit State(boost::asio::any_io_executor ex) : timer(ex) {}
    boost::asio::steady_timer timer;
    std::atomic<bool> woken{false};
  };
  std::shared_ptr<State> s_;
};

}  // namespace mcpgw
