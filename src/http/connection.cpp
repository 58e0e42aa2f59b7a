#include "http/connection.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <string>

#include "http/chunked_stream.h"
#include "http/site.h"

namespace mcpgw::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using RequestParser = bhttp::request_parser<bhttp::string_body>;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

// After an error response on a connection whose request was not read to the end, the peer may
// still be sending. Closing with unread data makes the kernel send RST, which can destroy the
// response before the client reads it; so half-close and discard input for a moment first.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1 << 20;

// An error answer is a few hundred bytes: a peer that has not taken them by then is not reading.
constexpr auto kRefusalWriteTime = std::chrono::seconds(5);

// What the connection does once a request is done with.
enum class Next { serve, close, linger };

// The error answer to a request that could not be read.
struct Refusal {
  Status status;
  std::string_view error;
  std::string detail;
};

std::string peer_address(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  if (ec) return {};
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

// Parses what is already buffered without another asynchronous operation: a request that arrived
// whole in one read costs no further scheduling. need_more (the rest is still on its way) is no
// error here.
boost::system::error_code parse_buffered(RequestParser& parser, beast::flat_buffer& buffer) {
  boost::system::error_code ec;
  while (buffer.size() > 0 && !parser.is_done()) {
    const auto n = parser.put(buffer.data(), ec);
    buffer.consume(n);
    if (ec == bhttp::error::need_more) return {};
    if (ec || n == 0) break;
  }
  return ec;
}

// Between requests: the first byte of the next one, under the idle timeout (which a drain cuts
// short). False when there is nothing to answer: idle timeout, peer closed, or draining.
awaitable<bool> await_request(const Site& site, Connection& conn, beast::flat_buffer& buffer) {
  conn.idle = true;
  if (site.draining) co_return false;
  if (buffer.size() == 0) {
    conn.expire_in(site.cfg.idle_timeout);
    auto [ec, n] = co_await conn.socket.async_read_some(buffer.prepare(4096), use_nothrow);
    if (ec) co_return false;
    buffer.commit(n);
  }
  conn.idle = false;
  co_return true;
}

// The rest of one request, within the header and body limits. The whole request must arrive
// within read_timeout of its first byte, so one deadline covers the head, the body and the
// 100 Continue a client may wait for before it sends the body.
awaitable<boost::system::error_code> read_request(const Site& site, Connection& conn,
                                                  beast::flat_buffer& buffer,
                                                  RequestParser& parser) {
  parser.header_limit(static_cast<std::uint32_t>(site.cfg.max_header_bytes));
  parser.body_limit(site.cfg.max_body_bytes);
  conn.expire_in(site.cfg.read_timeout);
  boost::system::error_code ec = parse_buffered(parser, buffer);
  if (!ec && !parser.is_header_done()) {
    auto [hec, hn] = co_await bhttp::async_read_header(conn.socket, buffer, parser, use_nothrow);
    ec = hec;
  }
  if (!ec && !parser.is_done()) {
    auto& h = parser.get();
    if (auto it = h.find(bhttp::field::expect);
        it != h.end() && beast::iequals(it->value(), "100-continue") && buffer.size() == 0) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      auto [wec, wn] = co_await bhttp::async_write(conn.socket, cont, use_nothrow);
      ec = wec;
    }
    if (!ec) {
      auto [bec, bn] = co_await bhttp::async_read(conn.socket, buffer, parser, use_nothrow);
      ec = bec;
    }
  }
  if (ec && conn.timed_out) ec = beast::error::timeout;
  co_return ec;
}

// nullopt when the peer has gone (or a drain cancelled the read): nobody to answer.
std::optional<Refusal> refusal_for(const boost::system::error_code& ec,
                                   const config::ServerConfig& cfg) {
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
    return std::nullopt;
  if (ec == beast::error::timeout)
    return Refusal{
        Status::request_timeout, "request_timeout",
        "request not received within " + std::to_string(cfg.read_timeout.count()) + " ms"};
  if (ec == bhttp::error::header_limit)
    return Refusal{Status::request_header_fields_too_large, "header_too_large",
                   "request headers exceed " + std::to_string(cfg.max_header_bytes) + " bytes"};
  if (ec == bhttp::error::body_limit)
    return Refusal{Status::payload_too_large, "body_too_large",
                   "request body exceeds " + std::to_string(cfg.max_body_bytes) + " bytes"};
  return Refusal{Status::bad_request, "bad_request", "malformed HTTP request: " + ec.message()};
}

// Answers a request that could not be read, with Connection: close: what follows it on the wire
// cannot be told apart from the rest of it. True when the answer went out.
awaitable<bool> refuse(const Site& site, Connection& conn, const RequestParser& parser,
                       const Refusal& refusal, const RequestTrace& trace) {
  auto res = error_response(refusal.status, refusal.error, refusal.detail);
  finish_headers(res, trace.id);
  res.keep_alive(false);
  conn.expire_in(kRefusalWriteTime);
  auto [wec, wn] = co_await bhttp::async_write(conn.socket, res, use_nothrow);
  const auto& hdr = parser.get();
  site.log_access(parser.is_header_done() ? &hdr : nullptr,
                  parser.is_header_done() ? hdr.target() : "-", res.result_int(), res.body().size(),
                  trace);
  spdlog::info("request {} from {} rejected: {}", trace.id, trace.peer, refusal.detail);
  co_return !wec;
}

// A whole response. Framing is set here for every response, so that no handler can send one a
// client would have to read until the connection closes (a 202 without Content-Length did exactly
// that). False when the connection cannot be used any more.
awaitable<bool> write_response(const Site& site, Connection& conn, const Request& req,
                               Response& res, bool keep_alive, const RequestTrace& trace) {
  res.prepare_payload();
  if (req.method() == bhttp::verb::head) {
    const auto len = res.body().size();
    res.body().clear();
    res.content_length(len);  // HEAD: the GET's length, no body
  }
  finish_headers(res, trace.id);
  if (site.cors) site.cors->decorate(req, res);
  res.keep_alive(keep_alive);
  // There is no write timeout of its own: read_timeout bounds a response's write too.
  conn.expire_in(site.cfg.read_timeout);
  auto [wec, wn] = co_await bhttp::async_write(conn.socket, res, use_nothrow);
  site.log_access(&req, req.target(), res.result_int(), res.body().size(), trace);
  co_return !wec;
}

// The head with chunked transfer coding, the streamer's chunks, the last chunk. A drain wakes the
// streamer (ResponseStream::closing() tells it to end). False when the connection cannot be used
// any more.
awaitable<bool> write_streamed(const Site& site, const std::shared_ptr<Connection>& conn,
                               const Request& req, Response& res, const Streamer& streamer,
                               bool keep_alive, const RequestTrace& trace) {
  finish_headers(res, trace.id);
  if (site.cors) site.cors->decorate(req, res);
  ChunkedStream body(conn, site.cfg.read_timeout, site.draining, chunked_head(res, keep_alive));
  conn->stream_waker = body.waker();
  try {
    co_await streamer(body);
  } catch (const std::exception& e) {
    spdlog::error("request {}: streamed response failed: {}", trace.id, e.what());
  }
  conn->stream_waker = nullptr;
  const bool ok = co_await body.finish();
  site.log_access(&req, req.target(), res.result_int(), body.bytes(), trace);
  co_return ok;
}

// Runs the request's route and writes its answer, whole or streamed.
awaitable<Next> answer(const Site& site, const std::shared_ptr<Connection>& conn,
                       const Request& req, RequestTrace& trace) {
  Exchange ctx{req, {}, {}, trace.id, trace.peer, {}};
  Response res = co_await site.dispatch(req, ctx, trace);
  const bool keep_alive = req.keep_alive() && !site.draining;
  if (ctx.streamer && req.method() != bhttp::verb::head) {
    const bool ok = co_await write_streamed(site, conn, req, res, ctx.streamer, keep_alive, trace);
    const bool again = ok && keep_alive && !site.draining;
    co_return again ? Next::serve : Next::close;
  }
  const bool ok = co_await write_response(site, *conn, req, res, keep_alive, trace);
  const bool again = ok && keep_alive;
  co_return again ? Next::serve : Next::close;
}

// One request, from its first buffered byte to the end of its answer.
awaitable<Next> serve_request(const Site& site, const std::shared_ptr<Connection>& conn,
                              beast::flat_buffer& buffer, std::string_view peer) {
  RequestTrace trace{Clock::now(), new_request_id(), peer, {}};
  RequestParser parser;
  const boost::system::error_code ec = co_await read_request(site, *conn, buffer, parser);
  if (ec) {
    const std::optional<Refusal> refusal = refusal_for(ec, site.cfg);
    if (!refusal) co_return Next::close;
    const bool answered = co_await refuse(site, *conn, parser, *refusal, trace);
    co_return answered ? Next::linger : Next::close;
  }
  conn->no_deadline();
  Request req = parser.release();
  if (auto it = req.find("X-Request-Id"); it != req.end() && acceptable_request_id(it->value()))
    trace.id = std::string(it->value());
  const Next next = co_await answer(site, conn, req, trace);
  co_return next;
}

// Discards what the peer still sends, for a moment (see kLingerTime).
awaitable<void> linger(Connection& conn) {
  conn.expire_in(kLingerTime);
  std::size_t discarded = 0;
  char sink[4096];
  while (discarded < kLingerBytes) {
    auto [ec, n] = co_await conn.socket.async_read_some(asio::buffer(sink), use_nothrow);
    if (ec) break;
    discarded += n;
  }
}

}  // namespace

awaitable<void> serve_connection(const Site& site, std::shared_ptr<Connection> conn) {
  const std::string peer = peer_address(conn->socket);
  beast::flat_buffer buffer;
  Next next = Next::close;
  try {
    for (;;) {
      const bool arrived = co_await await_request(site, *conn, buffer);
      if (!arrived) break;
      next = co_await serve_request(site, conn, buffer, peer);
      if (next != Next::serve) break;
    }
  } catch (const std::exception& e) {
    spdlog::error("connection from {} failed: {}", peer, e.what());
  }
  boost::system::error_code ignored;
  conn->socket.shutdown(tcp::socket::shutdown_send, ignored);
  if (next == Next::linger) co_await linger(*conn);
  conn->no_deadline();
  conn->socket.close(ignored);
}

}  // namespace mcpgw::http
