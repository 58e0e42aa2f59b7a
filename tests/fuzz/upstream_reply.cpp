// An upstream MCP server's HTTP reply, byte for byte, as mcpgw reads it: the input is the whole
// response a server on 127.0.0.1 sends to mcpgw's request (then it closes the connection).
// mcpgw's side is the real one: gateway::HttpClient reads the response (Beast's parser with the
// response size limit; JSON collected, text/event-stream streamed), UpstreamSession's reply
// reader (upstream_exchange.cpp) parses the body or the SSE events (gateway/sse_parser.h) as
// JSON-RPC, matches the response to its request and decides what the exchange came to
// (failure_of: HTTP status, session loss, a modern error with id null, a stream that ended).
// The upstream is of the modern era (its protocol version is known, so there is no probe and no
// initialize): one request, one reply. The first byte picks the request: tools/call, the
// server/discover health check, or a notification.
//
// Invariants: nothing throws or hangs; a result is exactly one of a result, an error and a
// failure; a result is the exact JSON text of the upstream's result; every other message handed
// on is one JSON-RPC message whose text parses; a failure says what happened.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "common/json_parse.h"
#include "fuzz_support.h"
#include "gateway/http_client.h"
#include "gateway/upstream_session.h"

namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace mcpgw;

namespace {

struct Upstream {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::string reply;  // what every connection is answered with, for the current input
  int open_connections = 0;
  // One client for the process (its TLS context loads the system's CA store: most of a run's
  // time if made per input). No idle connections are kept, so no input sees another's.
  gateway::HttpClient http{ioc.get_executor(), {false, 0, 64 * 1024}};

  Upstream() { asio::co_spawn(ioc, serve(), asio::detached); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/mcp";
  }
  asio::awaitable<void> serve() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) continue;
      asio::co_spawn(ioc, answer(std::make_shared<tcp::socket>(std::move(s))), asio::detached);
    }
  }
  // Reads the request (its head and Content-Length body), sends the reply and closes (all of
  // the request was read, so the close is a FIN, not a reset).
  asio::awaitable<void> answer(std::shared_ptr<tcp::socket> s) {
    ++open_connections;
    std::string in;
    boost::system::error_code ec;
    const auto head = co_await asio::async_read_until(
        *s, asio::dynamic_buffer(in), "\r\n\r\n", asio::redirect_error(asio::use_awaitable, ec));
    std::size_t length = 0;
    if (auto at = in.find("Content-Length: "); !ec && at < head)
      length = std::stoul(in.substr(at + 16));
    if (!ec && in.size() < head + length)
      co_await asio::async_read(*s, asio::dynamic_buffer(in),
                                asio::transfer_exactly(head + length - in.size()),
                                asio::redirect_error(asio::use_awaitable, ec));
    if (!ec)
      co_await asio::async_write(*s, asio::buffer(reply),
                                 asio::redirect_error(asio::use_awaitable, ec));
    s->shutdown(tcp::socket::shutdown_send, ec);
    s->close(ec);
    --open_connections;
  }
};

Upstream& upstream() {
  static Upstream u;
  return u;
}

void check_message(const gateway::UpstreamMessage& m) {
  boost::system::error_code ec;
  FUZZ_CHECK(mcpgw::parse_json(m.text, ec).is_object() && !ec);
  FUZZ_CHECK(jsonrpc::parse(m.text).messages.size() == 1);
}

void check_result(const gateway::UpstreamResult& r) {
  const int parts = (r.failure ? 1 : 0) + (r.error ? 1 : 0);
  FUZZ_CHECK(parts <= 1);
  if (r.failure) {
    FUZZ_CHECK(r.failure->kind == gateway::UpstreamError::Kind::cancelled ||
               !r.failure->text().empty());
    return;
  }
  if (r.error) return;
  boost::system::error_code ec;
  static_cast<void>(mcpgw::parse_json(r.result, ec));
  if (ec) std::fprintf(stderr, "result text: [%s]\n", r.result.c_str());
  FUZZ_CHECK(!ec);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  static_cast<void>(upstream());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Upstream& up = upstream();
  up.reply.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  const int which = data[0] % 3;
  {
    auto endpoint = std::make_shared<gateway::UpstreamEndpoint>();
    endpoint->gateway_id = "g1";
    endpoint->name = endpoint->slug = "up";
    endpoint->url = up.url();
    endpoint->timeout = std::chrono::milliseconds(2000);
    endpoint->protocol_version = "2026-07-28";
    gateway::UpstreamSession::ClientIdentity identity;
    identity.client_info = json::object{{"name", "fuzz"}, {"version", "1"}};
    auto session = std::make_shared<gateway::UpstreamSession>(up.http, endpoint, identity);
    bool done = false;
    asio::co_spawn(
        up.ioc,
        [&]() -> asio::awaitable<void> {
          if (which == 0) {
            const gateway::UpstreamResult r =
                co_await session->request("tools/call", R"({"name":"t","arguments":{}})",
                                          [](gateway::UpstreamMessage& m) { check_message(m); });
            check_result(r);
          } else if (which == 1) {
            const gateway::UpstreamResult r = co_await session->ping();
            check_result(r);
          } else {
            const auto why = co_await session->notify("notifications/progress", R"({"a":1})");
            if (why) FUZZ_CHECK(!why->text().empty());
          }
          done = true;
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);  // nothing may throw: let libFuzzer see it
        });
    while (!done && up.ioc.run_one()) {
    }
  }
  // The session is gone: let the upstream's side of its connections finish.
  for (int i = 0; i < 1000 && up.open_connections > 0; ++i)
    up.ioc.run_one_for(std::chrono::milliseconds(10));
  up.ioc.poll();
  return 0;
}
