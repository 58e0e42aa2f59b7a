#pragma once
// One client connection of the HTTP server: its socket, the deadline of the operation under way,
// and the coroutine that serves it. Private to http/.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

namespace mcpgw::http {

struct Site;

using Clock = std::chrono::steady_clock;

inline std::int64_t ticks(Clock::time_point t) {
  return t.time_since_epoch().count();
}

// Timeouts are enforced by the server's deadline sweep rather than a timer per operation: arming
// and cancelling timers on every read and write costs the reactor's lock and a timerfd update each
// time, while a deadline here is two relaxed stores.
struct Connection {
  explicit Connection(boost::asio::ip::tcp::socket s) : socket(std::move(s)) {}
  boost::asio::ip::tcp::socket socket;

  // Strand-only state.
  bool idle = true;                    // waiting for the first byte of a request
  bool timed_out = false;              // the sweep cancelled the current operation
  std::function<void()> stream_waker;  // set while a streamed response is being written

  // Deadline of the current operation (Clock ticks, 0 = none), read by the sweep from any thread.
  // The generation number lets the strand tell the deadline it was told about from a newer one.
  std::atomic<std::int64_t> deadline{0};
  std::atomic<std::uint64_t> generation{0};

  void expire_in(std::chrono::milliseconds d) {
    timed_out = false;
    generation.fetch_add(1, std::memory_order_relaxed);
    deadline.store(ticks(Clock::now() + d), std::memory_order_relaxed);
  }
  void no_deadline() {
    generation.fetch_add(1, std::memory_order_relaxed);
    deadline.store(0, std::memory_order_relaxed);
  }
  // On the strand, after the sweep saw `gen` expired: re-check here, where the coroutine's own
  // writes are visible, so that a stale observation never cancels a newer operation.
  void on_deadline(std::uint64_t gen) {
    const auto d = deadline.load(std::memory_order_relaxed);
    if (gen != generation.load(std::memory_order_relaxed) || d == 0 || ticks(Clock::now()) < d)
      return;
    deadline.store(0, std::memory_order_relaxed);
    timed_out = true;
    boost::system::error_code ignored;
    socket.cancel(ignored);
  }
};

// Reads and answers requests on conn, one after another, until keep-alive ends (the client's
// choice, a drain, an idle or read timeout, an unreadable request or a failed write), then closes
// the socket. Runs on conn's strand; site must outlive it. The caller forgets conn afterwards.
boost::asio::awaitable<void> serve_connection(const Site& site, std::shared_ptr<Connection> conn);

}  // namespace mcpgw::http
