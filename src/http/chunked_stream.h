#pragma once
// The writer of a streamed (chunked) response body, such as an SSE stream. Private to http/.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/connection.h"
#include "http/message.h"

namespace mcpgw::http {

// The serialized status line and fields of res, with chunked transfer coding in place of its
// Content-Length: the head of a body that ChunkedStream writes.
std::string chunked_head(const Response& res, bool keep_alive);

// The body of a streamed response on one connection: chunks under the write deadline, and a wait
// that a waker from any thread can end. A wake that comes while nobody waits is remembered.
// Writes are gathered and go out when the writer waits (or finishes, or has much to send), so
// that a response whose head, events and end are ready together leaves in one send. The first
// wait holds the head back for up to kHoldHead: a call answered at once then costs one send, not
// four, and a slow one shows its head a moment later.
class ChunkedStream final : public ResponseStream {
 public:
  static constexpr auto kHoldHead = std::chrono::milliseconds(2);
  static constexpr std::size_t kFlushAt = 64 * 1024;

  // head: from chunked_head(), sent with the first chunks.
  ChunkedStream(std::shared_ptr<Connection> conn, std::chrono::milliseconds write_timeout,
                const std::atomic<bool>& server_draining, std::string head);

  boost::asio::awaitable<bool> write(std::string_view data) override;
  boost::asio::awaitable<Wake> wait(std::chrono::milliseconds timeout) override;
  std::function<void()> waker() override;
  bool closing() const override { return draining_.load(); }

  // The last chunk, then everything still buffered. False when the client is gone.
  boost::asio::awaitable<bool> finish();
  std::size_t bytes() const { return bytes_; }  // body bytes, without the chunk framing

 private:
  struct WakeState {
    explicit WakeState(boost::asio::any_io_executor ex) : executor(ex), timer(ex) {}
    boost::asio::any_io_executor executor;
    boost::asio::steady_timer timer;
    bool pending = false;    // strand-only
    bool peer_gone = false;  // strand-only: the client closed or reset the connection
  };

  boost::asio::awaitable<bool> flush();
  boost::asio::awaitable<Wake> sleep(std::chrono::milliseconds timeout);
  void watch_peer();

  std::shared_ptr<Connection> conn_;
  std::chrono::milliseconds write_timeout_;
  const std::atomic<bool>& draining_;
  std::shared_ptr<WakeState> wake_;  // shared with wakers, which may outlive the stream
  std::string out_;                  // not yet sent
  bool held_ = false;
  bool failed_ = false;
  bool watching_ = false;  // a wait for the client's close is armed (once per stream)
  std::size_t bytes_ = 0;
};

}  // namespace mcpgw::http
