#include "http/chunked_stream.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>
#include <string>

#include "http/site.h"

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace mcpgw::http;
using namespace std::chrono_literals;

namespace {
// A loopback connection: the client's socket and the server's Connection.
std::pair<tcp::socket, std::shared_ptr<Connection>> connected_pair(asio::io_context& ioc) {
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::socket client(ioc);
  client.connect(acceptor.local_endpoint());
  auto conn = std::make_shared<Connection>(acceptor.accept());
  return {std::move(client), std::move(conn)};
}
}  // namespace

TEST_CASE("the head of a streamed response trades Content-Length for chunked coding", "[http]") {
  Response res{Status::ok, 11};
  res.set(boost::beast::http::field::content_type, "text/event-stream");
  res.body() = "ignored";
  res.prepare_payload();
  CHECK(chunked_head(res, true) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
  CHECK_THAT(chunked_head(res, false), Catch::Matchers::Contains("Connection: close\r\n"));
}

TEST_CASE("a chunked stream gathers its head, chunks and end into what the client reads",
          "[http]") {
  asio::io_context ioc;
  auto [client, conn] = connected_pair(ioc);
  std::atomic<bool> draining{false};
  bool wrote = false, woken = false, finished = false, closing = true;
  std::size_t bytes = 0;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        ChunkedStream body(conn, 1000ms, draining, "HEAD\r\n");
        const bool a = co_await body.write("abc");
        const bool b = co_await body.write("");  // no chunk: an empty one would end the body
        const bool c = co_await body.write("data: 1\n\n");
        wrote = a && b && c;
        // A wake that comes before the wait is not lost.
        body.waker()();
        const auto w = co_await body.wait(5s);
        woken = w == ResponseStream::Wake::woken;
        closing = body.closing();
        finished = co_await body.finish();
        bytes = body.bytes();
      },
      asio::detached);
  ioc.run();
  const std::string expected = "HEAD\r\n3\r\nabc\r\n9\r\ndata: 1\n\n\r\n0\r\n\r\n";
  std::string got(expected.size(), '\0');
  asio::read(client, asio::buffer(got));
  CHECK(got == expected);
  CHECK(wrote);
  CHECK(woken);
  CHECK_FALSE(closing);
  CHECK(finished);
  CHECK(bytes == 12);
}

// Found by tests/e2e/abuse.test.mjs: a client that went away was noticed only at the next write,
// a keepalive up to 15 s later, so abandoned streams held their connections.
TEST_CASE("a chunked stream's wait ends as soon as the client closes", "[http]") {
  asio::io_context ioc;
  auto [client, conn] = connected_pair(ioc);
  std::atomic<bool> draining{false};
  asio::steady_timer later(ioc, 100ms);
  later.async_wait([&](boost::system::error_code) { client.close(); });
  std::chrono::steady_clock::duration waited{};
  bool timed_out = false, wrote_after = true, finished = true;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        ChunkedStream body(conn, 1000ms, draining, "HEAD\r\n");
        co_await body.write("abc");
        const auto t0 = std::chrono::steady_clock::now();
        const auto w = co_await body.wait(30s);
        waited = std::chrono::steady_clock::now() - t0;
        timed_out = w == ResponseStream::Wake::timeout;
        wrote_after = co_await body.write("data: 2\n\n");
        finished = co_await body.finish();
      },
      asio::detached);
  ioc.run();  // returns: nothing (no watch) is left pending on the socket
  CHECK(waited < 5s);
  CHECK(timed_out);
  CHECK_FALSE(wrote_after);
  CHECK_FALSE(finished);
}

TEST_CASE("an incoming request id is kept only when short and of safe characters", "[http]") {
  CHECK(acceptable_request_id("abc-DEF_1.2"));
  CHECK(acceptable_request_id(std::string(64, 'a')));
  CHECK_FALSE(acceptable_request_id(""));
  CHECK_FALSE(acceptable_request_id(std::string(65, 'a')));
  CHECK_FALSE(acceptable_request_id("a b"));
  CHECK_FALSE(acceptable_request_id("a\r\nX: y"));
  CHECK(new_request_id() != new_request_id());
}
