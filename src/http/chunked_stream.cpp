#include "http/chunked_stream.h"

#include <sys/socket.h>
#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <cerrno>
#include <cstdio>

namespace mcpgw::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::awaitable;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

std::string chunked_head(const Response& res, bool keep_alive) {
  bhttp::response<bhttp::empty_body> head;
  head.base() = res.base();
  head.erase(bhttp::field::content_length);
  head.chunked(true);
  head.keep_alive(keep_alive);
  bhttp::response_serializer<bhttp::empty_body> sr{head};
  sr.split(true);
  std::string out;
  boost::system::error_code ec;
  while (!ec && !sr.is_header_done())
    sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
      const auto n = beast::buffer_bytes(buffers);
      const auto at = out.size();
      out.resize(at + n);
      asio::buffer_copy(asio::buffer(out.data() + at, n), buffers);
      sr.consume(n);
    });
  return out;
}

ChunkedStream::ChunkedStream(std::shared_ptr<Connection> conn,
                             std::chrono::milliseconds write_timeout,
                             const std::atomic<bool>& server_draining, std::string head)
    : conn_(std::move(conn)),
      write_timeout_(write_timeout),
      draining_(server_draining),
      wake_(std::make_shared<WakeState>(conn_->socket.get_executor())),
      out_(std::move(head)) {}

awaitable<bool> ChunkedStream::write(std::string_view data) {
  if (failed_) co_return false;
  if (data.empty()) co_return true;  // an empty chunk would end the body
  char size[20];
  const auto n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out_.append(size, static_cast<std::size_t>(n));
  out_.append(data);
  out_.append("\r\n");
  bytes_ += data.size();
  if (out_.size() >= kFlushAt) co_return co_await flush();
  co_return true;
}

awaitable<ResponseStream::Wake> ChunkedStream::wait(std::chrono::milliseconds timeout) {
  // (Named results, no co_await inside a condition: see common/offload.h on GCC 12.)
  if (!wake_->pending && !held_ && !out_.empty()) {
    held_ = true;
    const auto hold = std::min<std::chrono::milliseconds>(timeout, kHoldHead);
    const Wake held = co_await sleep(hold);
    if (held == Wake::woken) co_return held;
    timeout -= hold;
  }
  // Nothing may sit in the buffer while the writer sleeps. A failed send ends the wait as a
  // timeout, so that the writer's next write learns of it at once.
  const bool sent = co_await flush();
  if (!sent) co_return Wake::timeout;
  const Wake w = co_await sleep(timeout);
  co_return w;
}

std::function<void()> ChunkedStream::waker() {
  std::weak_ptr<WakeState> weak = wake_;
  return [weak] {
    if (auto w = weak.lock())
      asio::post(w->executor, [w] {
        w->pending = true;
        w->timer.cancel();
      });
  };
}

awaitable<bool> ChunkedStream::finish() {
  if (!failed_) out_.append("0\r\n\r\n");
  const bool ok = co_await flush();
  // The watch for the client's close ends with the stream. Nothing else waits on the socket now
  // (the writer was its only user), so cancelling the socket's operations cancels just the watch.
  if (watching_) {
    boost::system::error_code ignored;
    conn_->socket.cancel(ignored);
    watching_ = false;
  }
  co_return ok;
}

awaitable<bool> ChunkedStream::flush() {
  if (failed_ || out_.empty()) co_return !failed_;
  conn_->expire_in(write_timeout_);
  auto [ec, n] = co_await asio::async_write(conn_->socket, asio::buffer(out_), use_nothrow);
  conn_->no_deadline();
  out_.clear();
  if (ec) failed_ = true;
  co_return !failed_;
}

// While the writer sleeps, a client that closed or reset its connection must end the stream at
// once, not at the next keepalive: otherwise every abandoned stream holds its connection (and
// counts against server.max_connections) for up to a keepalive period. The client sends nothing
// after its request, so the socket turning readable means a close (recv peeks 0 bytes) or a reset
// (an error); bytes to read are a pipelined request, which stops the watch and stays unread.
// nginx decides a broken client connection the same way.
void ChunkedStream::watch_peer() {
  if (watching_ || failed_) return;
  watching_ = true;
  std::weak_ptr<WakeState> weak = wake_;
  conn_->socket.async_wait(
      asio::ip::tcp::socket::wait_read,
      asio::bind_executor(wake_->executor, [weak, conn = conn_](boost::system::error_code ec) {
        if (ec) return;  // cancelled or closed: the connection is ending anyway
        const auto w = weak.lock();
        if (!w) return;  // the stream is over; the connection's own read sees the close
        char byte;
        const ssize_t n = ::recv(conn->socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))) return;
        w->peer_gone = true;
        w->timer.cancel();
      }));
}

awaitable<ResponseStream::Wake> ChunkedStream::sleep(std::chrono::milliseconds timeout) {
  watch_peer();
  if (!wake_->pending && !wake_->peer_gone) {
    wake_->timer.expires_after(timeout);
    co_await wake_->timer.async_wait(use_nothrow);
  }
  if (wake_->peer_gone) {
    failed_ = true;  // the writer's next write fails at once
    co_return Wake::timeout;
  }
  if (!wake_->pending) co_return Wake::timeout;
  wake_->pending = false;
  co_return Wake::woken;
}

}  // namespace mcpgw::http
