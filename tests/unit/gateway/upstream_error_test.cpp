#include "gateway/upstream_error.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>
#include <memory>
#include <optional>
#include <string>

#include "gateway/http_client.h"
#include "gateway/upstream_session.h"
#include "support/asio_run.h"

using namespace mcpgw::gateway;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Kind = UpstreamError::Kind;

namespace {

using mcpgw::test::http_reply;
using mcpgw::test::run;

UpstreamError error(Kind kind, std::string detail, unsigned status = 0) {
  return UpstreamError{.kind = kind, .http_status = status, .detail = std::move(detail)};
}

// Answers every connection on 127.0.0.1 with `reply` once it has read a request head (and its
// body, when the head announces one), or never answers when reply is empty.
struct CannedServer {
  explicit CannedServer(asio::io_context& ioc, std::string reply)
      : acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        reply(std::move(reply)) {
    asio::co_spawn(ioc, serve(), asio::detached);
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/mcp";
  }
  asio::awaitable<void> serve() {
    for (;;) {
      auto socket =
          std::make_shared<tcp::socket>(co_await acceptor.async_accept(asio::use_awaitable));
      held.push_back(socket);
      if (reply.empty()) continue;
      std::string in;
      co_await asio::async_read_until(*socket, asio::dynamic_buffer(in), "\r\n\r\n",
                                      asio::use_awaitable);
      co_await asio::async_write(*socket, asio::buffer(reply), asio::use_awaitable);
    }
  }
  tcp::acceptor acceptor;
  std::string reply;
  std::vector<std::shared_ptr<tcp::socket>> held;
};

OutboundResponse send(asio::io_context& ioc, OutboundRequest request,
                      HttpClient::Options options = {}) {
  HttpClient http(ioc.get_executor(), options);
  OutboundResponse out;
  run(ioc, [&]() -> asio::awaitable<void> { out = co_await http.send(request); });
  return out;
}

std::optional<UpstreamError> initialize(asio::io_context& ioc, const std::string& url) {
  HttpClient http(ioc.get_executor(), {});
  auto endpoint = std::make_shared<UpstreamEndpoint>();
  endpoint->name = "test";
  endpoint->url = url;
  endpoint->timeout = std::chrono::milliseconds(2000);
  endpoint->protocol_version = "2025-11-25";  // a legacy upstream: initialize, no probe first
  auto session =
      std::make_shared<UpstreamSession>(http, endpoint, UpstreamSession::ClientIdentity{});
  std::optional<UpstreamError> out;
  run(ioc, [&]() -> asio::awaitable<void> { out = co_await session->ensure_initialized(); });
  return out;
}

}  // namespace

TEST_CASE("each kind of upstream error reads as the message it replaced", "[upstream_error]") {
  CHECK(error(Kind::unreachable, "cannot connect to http://h:1: Connection refused").text() ==
        "cannot connect to http://h:1: Connection refused");
  CHECK(error(Kind::disconnected, "stream from http://h:1 broke: end of stream").text() ==
        "stream from http://h:1 broke: end of stream");
  CHECK(error(Kind::timeout, "no response within 300 ms").text() == "no response within 300 ms");
  CHECK(error(Kind::http_status, "Internal Server Error: boom", 500).text() ==
        "upstream answered HTTP 500 Internal Server Error: boom");
  // No reason phrase: the space stays, as it always did.
  CHECK(error(Kind::http_status, "", 502).text() == "upstream answered HTTP 502 ");
  CHECK(error(Kind::session_lost, "Not Found", 404).text() ==
        "upstream answered HTTP 404 Not Found");
  CHECK(error(Kind::protocol, "the upstream's reply held no response to the request").text() ==
        "the upstream's reply held no response to the request");
  CHECK(error(Kind::rejected, "Unknown level").text() == "Unknown level");
  CHECK(error(Kind::too_large, "an upstream message exceeded the size limit").text() ==
        "an upstream message exceeded the size limit");
  CHECK(error(Kind::cancelled, "").text() == "cancelled");

  UpstreamError during = error(Kind::http_status, "Method Not Allowed", 405);
  during.context = "notifications/initialized";
  CHECK(during.text() ==
        "notifications/initialized: upstream answered HTTP 405 Method Not Allowed");
  UpstreamError refused = error(Kind::rejected, "unsupported client");
  refused.context = "initialize failed";
  CHECK(refused.text() == "initialize failed: unsupported client");
}

TEST_CASE("the HTTP client says what kind of failure ended an exchange", "[upstream_error]") {
  asio::io_context ioc;
  OutboundRequest r;

  r.url = "ftp://h/x";
  auto res = send(ioc, r);
  REQUIRE(res.failure);
  CHECK(res.status == 0);
  CHECK(res.failure->kind == Kind::unreachable);
  CHECK(res.failure_text() == "unsupported URL scheme: ftp");

  // A port nobody listens on: a listener bound and closed again.
  std::string closed;
  {
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
  }
  r.url = closed + "/x";
  res = send(ioc, r);
  REQUIRE(res.failure);
  CHECK(res.failure->kind == Kind::unreachable);
  CHECK(res.failure_text().rfind("cannot connect to " + closed + ": ", 0) == 0);

  CannedServer silent(ioc, "");
  r.url = silent.url();
  r.timeout = std::chrono::milliseconds(100);
  res = send(ioc, r);
  REQUIRE(res.failure);
  CHECK(res.failure->kind == Kind::timeout);
  CHECK(res.failure_text() == "no response within 100 ms");

  r.abort = std::make_shared<Abort>();
  r.abort->fire();
  res = send(ioc, r);
  REQUIRE(res.failure);
  CHECK(res.failure->kind == Kind::cancelled);
  CHECK(res.failure_text() == "cancelled");
  r.abort = nullptr;

  CannedServer big(ioc, http_reply("200 OK", std::string(64, 'x'), "text/plain"));
  r.url = big.url();
  r.timeout = std::chrono::milliseconds(2000);
  HttpClient::Options small;
  small.max_response_bytes = 16;
  res = send(ioc, r, small);
  REQUIRE(res.failure);
  CHECK(res.failure->kind == Kind::too_large);
  CHECK(res.failure_text() == "response larger than 16 bytes");

  // A Content-Length over the limit is refused at the head, before any of the body is awaited
  // (the e2e faults suite timed out reading a 17 MiB body under the sanitizers): this one never
  // sends the body it announces, and still gets too_large at once, not a timeout.
  CannedServer announced(ioc, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: 1000\r\n\r\n{");
  r.url = announced.url();
  res = send(ioc, r, small);
  REQUIRE(res.failure);
  CHECK(res.failure->kind == Kind::too_large);
  CHECK(res.failure_text() == "response larger than 16 bytes");

  CannedServer ok(ioc, http_reply("200 OK", "fine", "text/plain"));
  r.url = ok.url();
  res = send(ioc, r);
  CHECK_FALSE(res.failure);
  CHECK(res.failure_text().empty());
  CHECK(res.status == 200);
}

TEST_CASE("an upstream session says what kind of failure stopped initialize", "[upstream_error]") {
  asio::io_context ioc;

  CannedServer no_post(ioc, http_reply("405 Method Not Allowed", ""));
  auto why = initialize(ioc, no_post.url());
  REQUIRE(why);
  CHECK(why->kind == Kind::http_status);
  CHECK(why->http_status == 405);
  CHECK(why->text() == "upstream answered HTTP 405 Method Not Allowed");

  CannedServer refuses(
      ioc,
      http_reply("200 OK", R"({"jsonrpc":"2.0","id":0,"error":{"code":-32600,"message":"no"}})"));
  why = initialize(ioc, refuses.url());
  REQUIRE(why);
  CHECK(why->kind == Kind::rejected);
  CHECK(why->text() == "initialize failed: no");

  CannedServer old(
      ioc, http_reply("200 OK",
                      R"({"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"1999-01-01"}})"));
  why = initialize(ioc, old.url());
  REQUIRE(why);
  CHECK(why->kind == Kind::protocol);
  CHECK(why->text() ==
        R"(the upstream offered protocol version "1999-01-01", which mcpgw does not speak)");

  CannedServer mute(ioc, http_reply("200 OK", R"({"jsonrpc":"2.0","id":7,"result":{}})"));
  why = initialize(ioc, mute.url());
  REQUIRE(why);
  CHECK(why->kind == Kind::protocol);
  CHECK(why->text() == "the upstream's reply held no response to the request");

  // A 200 that is not JSON-RPC, and one that is not JSON at all: each says what came instead.
  CannedServer other(ioc, http_reply("200 OK", R"({"hello":"world"})"));
  why = initialize(ioc, other.url());
  REQUIRE(why);
  CHECK(why->kind == Kind::protocol);
  CHECK(why->text() == R"(the upstream's reply is not JSON-RPC: {"hello":"world"})");
  CannedServer html(ioc, http_reply("200 OK", "<html>hi</html>", "text/html; charset=utf-8"));
  why = initialize(ioc, html.url());
  REQUIRE(why);
  CHECK(why->kind == Kind::protocol);
  CHECK(why->text() ==
        "the upstream answered with Content-Type text/html; charset=utf-8, not application/json "
        "or text/event-stream: <html>hi</html>");

  CannedServer hidden(ioc, http_reply("500 Internal Server Error", "line one\nline two"));
  why = initialize(ioc, hidden.url());
  REQUIRE(why);
  CHECK(why->kind == Kind::http_status);
  CHECK(why->text() == "upstream answered HTTP 500 Internal Server Error: line one line two");
}

// Found by tests/fuzz/upstream_reply: Beast reads "000" as a status, and status 0 with no failure
// came out as a success (an upstream request's result was then empty text, no JSON at all).
TEST_CASE("a status below 100 is a failure, not a response", "[upstream_error]") {
  asio::io_context ioc;
  CannedServer zero(ioc, http_reply("000 Nothing", R"({"jsonrpc":"2.0","id":1,"result":{}})"));
  OutboundRequest r;
  r.url = zero.url();
  r.timeout = std::chrono::milliseconds(2000);
  const auto res = send(ioc, r);
  CHECK(res.status == 0);
  REQUIRE(res.failure);
  CHECK(res.failure->kind == Kind::disconnected);
}
