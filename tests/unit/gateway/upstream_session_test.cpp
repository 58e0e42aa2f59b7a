// The era of an upstream, settled as versioning.mdx says (a server/discover probe, initialize
// when the answer is not a modern one), and what a modern upstream is sent: the envelope in
// _meta and the Mcp-Method / Mcp-Name / Mcp-Param-* headers, no session, no initialize.
#include "gateway/upstream_session.h"

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
#include <catch2/catch.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/http_client.h"
#include "support/asio_run.h"

using namespace mcpgw::gateway;
namespace asio = boost::asio;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Kind = UpstreamError::Kind;

namespace {

using mcpgw::test::http_reply;
using mcpgw::test::run;

struct Received {
  std::string head, body;
  std::string method() const {  // the JSON-RPC method
    auto v = json::parse(body);
    return std::string(v.at("method").as_string());
  }
  bool has_header(std::string_view line) const { return head.find(line) != std::string::npos; }
};

// Answers every request on every connection on 127.0.0.1 with what `answer` makes of it, and
// keeps what it received.
struct ScriptedServer {
  using Answer = std::function<std::string(const Received&)>;
  ScriptedServer(asio::io_context& ioc, Answer a)
      : acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), answer(std::move(a)) {
    asio::co_spawn(ioc, serve(), asio::detached);
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/mcp";
  }
  asio::awaitable<void> serve() {
    for (;;) {
      auto socket =
          std::make_shared<tcp::socket>(co_await acceptor.async_accept(asio::use_awaitable));
      asio::co_spawn(acceptor.get_executor(), connection(socket), asio::detached);
    }
  }
  asio::awaitable<void> connection(std::shared_ptr<tcp::socket> socket) {
    std::string in;
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n =
          co_await asio::async_read_until(*socket, asio::dynamic_buffer(in), "\r\n\r\n",
                                          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      Received r;
      r.head = in.substr(0, n);
      in.erase(0, n);
      std::size_t length = 0;
      if (auto at = r.head.find("Content-Length: "); at != std::string::npos)
        length = std::stoul(r.head.substr(at + 16));
      if (in.size() < length)
        co_await asio::async_read(*socket, asio::dynamic_buffer(in),
                                  asio::transfer_exactly(length - in.size()),
                                  asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      r.body = in.substr(0, length);
      in.erase(0, length);
      received.push_back(r);
      const std::string reply = answer(r);
      co_await asio::async_write(*socket, asio::buffer(reply),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
    }
  }
  tcp::acceptor acceptor;
  Answer answer;
  std::vector<Received> received;
  std::vector<std::string> methods() const {
    std::vector<std::string> out;
    for (const auto& r : received)
      out.push_back(r.body.empty() ? r.head.substr(0, r.head.find(' ')) : r.method());
    return out;
  }
};

std::string id_of(const Received& r) {
  return json::serialize(json::parse(r.body).at("id"));
}

std::string result(const Received& r, std::string result_json) {
  return http_reply("200 OK",
                    R"({"jsonrpc":"2.0","id":)" + id_of(r) + R"(,"result":)" + result_json + "}");
}

std::string error(const Received& r, std::string status, int code, std::string data = "") {
  std::string e = R"({"code":)" + std::to_string(code) + R"(,"message":"refused")";
  if (!data.empty()) e += R"(,"data":)" + data;
  return http_reply(status, R"({"jsonrpc":"2.0","id":)" + id_of(r) + R"(,"error":)" + e + "}}");
}

// A legacy server's answers: initialize, initialized, and any other request.
std::string legacy(const Received& r) {
  if (r.body.find("notifications/initialized") != std::string::npos)
    return http_reply("202 Accepted");
  if (r.method() == "initialize")
    return result(r, R"({"protocolVersion":"2025-11-25","capabilities":{"tools":{}},)"
                     R"("serverInfo":{"name":"old","version":"1"}})");
  return result(r, "{}");
}

struct Client {
  explicit Client(asio::io_context& ioc, const std::string& url, std::string known = "")
      : http(ioc.get_executor(), {}) {
    auto e = std::make_shared<UpstreamEndpoint>();
    e->name = "test";
    e->url = url;
    e->timeout = std::chrono::milliseconds(2000);
    e->protocol_version = std::move(known);
    session = std::make_shared<UpstreamSession>(
        http, e,
        UpstreamSession::ClientIdentity{json::object{{"name", "c"}, {"version", "9"}},
                                        json::object{{"elicitation", json::object{}}}});
  }
  HttpClient http;
  std::shared_ptr<UpstreamSession> session;
};

}  // namespace

TEST_CASE("a modern upstream answers the probe; requests then carry the envelope and headers",
          "[upstream_session]") {
  asio::io_context ioc;
  ScriptedServer server(ioc, [](const Received& r) {
    if (r.method() == "server/discover")
      return result(r, R"({"supportedVersions":["2026-07-28","2025-11-25"],)"
                       R"("capabilities":{"tools":{"listChanged":true}},)"
                       R"("serverInfo":{"name":"new","version":"2"},"resultType":"complete"})");
    return result(r, R"({"content":[],"resultType":"complete"})");
  });
  Client c(ioc, server.url());
  std::optional<UpstreamError> why;
  UpstreamResult r;
  RequestOptions options{{{"Mcp-Param-Region", "eu"}}, "info"};
  run(ioc, [&]() -> asio::awaitable<void> {
    why = co_await c.session->ensure_initialized();
    r = co_await c.session->request("tools/call", R"({"name":"héllo","arguments":{"x":1}})",
                                    nullptr, nullptr, nullptr, nullptr, &options);
  });
  REQUIRE_FALSE(why);
  CHECK(c.session->modern());
  CHECK(c.session->protocol_version() == "2026-07-28");
  CHECK(c.session->server_info().at("name") == "new");
  CHECK(c.session->server_capabilities().contains("tools"));
  REQUIRE(r.ok());
  CHECK(r.result == R"({"content":[],"resultType":"complete"})");
  CHECK(server.methods() == std::vector<std::string>{"server/discover", "tools/call"});

  const Received& probe = server.received[0];
  CHECK(probe.has_header("MCP-Protocol-Version: 2026-07-28\r\n"));
  CHECK(probe.has_header("Mcp-Method: server/discover\r\n"));
  CHECK_FALSE(probe.has_header("Mcp-Session-Id"));

  const Received& call = server.received[1];
  CHECK(call.has_header("MCP-Protocol-Version: 2026-07-28\r\n"));
  CHECK(call.has_header("Mcp-Method: tools/call\r\n"));
  CHECK(call.has_header("Mcp-Name: =?base64?aMOpbGxv?=\r\n"));  // not plain ASCII: base64
  CHECK(call.has_header("Mcp-Param-Region: eu\r\n"));
  auto meta = json::parse(call.body).at("params").at("_meta").as_object();
  CHECK(meta.at("io.modelcontextprotocol/protocolVersion") == "2026-07-28");
  CHECK(meta.at("io.modelcontextprotocol/clientCapabilities") ==
        json::object{{"elicitation", json::object{}}});
  CHECK(meta.at("io.modelcontextprotocol/clientInfo").at("name") == "c");
  CHECK(meta.at("io.modelcontextprotocol/logLevel") == "info");
  CHECK(json::parse(call.body).at("params").at("arguments").at("x") == 1);

  // The health check of a modern upstream is server/discover (ping is gone).
  run(ioc, [&]() -> asio::awaitable<void> { r = co_await c.session->ping(); });
  CHECK(r.ok());
  CHECK(server.methods().back() == "server/discover");
}

TEST_CASE("an answer to the probe that is not modern means initialize", "[upstream_session]") {
  const std::function<std::string(const Received&)> probes[] = {
      // A legacy server that wants a session first (the TS SDK's answer), without a JSON body.
      [](const Received&) { return http_reply("400 Bad Request", "Bad Request", "text/plain"); },
      // One that does not know the method.
      [](const Received& r) { return error(r, "404 Not Found", -32601); },
      [](const Received& r) { return error(r, "200 OK", -32601); },
      // A JSON-RPC error that is no modern one.
      [](const Received& r) { return error(r, "400 Bad Request", -32000); },
      // A modern server that serves none of mcpgw's modern revisions but a legacy one.
      [](const Received& r) {
        return error(r, "400 Bad Request", -32022,
                     R"({"supported":["2099-01-01","2025-11-25"],"requested":"2026-07-28"})");
      },
  };
  for (const auto& on_probe : probes) {
    asio::io_context ioc;
    ScriptedServer server(ioc, [&](const Received& r) {
      return r.method() == "server/discover" ? on_probe(r) : legacy(r);
    });
    Client c(ioc, server.url());
    std::optional<UpstreamError> why;
    run(ioc, [&]() -> asio::awaitable<void> { why = co_await c.session->ensure_initialized(); });
    REQUIRE_FALSE(why);
    CHECK_FALSE(c.session->modern());
    CHECK(c.session->protocol_version() == "2025-11-25");
    CHECK(server.methods() ==
          std::vector<std::string>{"server/discover", "initialize", "notifications/initialized"});
  }
}

TEST_CASE("a probe answered with a modern refusal is a failure, not a fallback",
          "[upstream_session]") {
  asio::io_context ioc;
  ScriptedServer server(ioc, [](const Received& r) {
    if (r.method() != "server/discover") return legacy(r);
    return error(r, "400 Bad Request", -32022, R"({"supported":["2099-01-01"]})");
  });
  Client c(ioc, server.url());
  std::optional<UpstreamError> why;
  run(ioc, [&]() -> asio::awaitable<void> { why = co_await c.session->ensure_initialized(); });
  REQUIRE(why);
  CHECK(why->kind == Kind::protocol);
  CHECK(why->text() ==
        R"(the upstream speaks only protocol versions ["2099-01-01"], none of which mcpgw speaks)");
  CHECK(server.methods() == std::vector<std::string>{"server/discover"});

  // The same refusal from a server that could not name the id (id null) is still modern.
  asio::io_context ioc2;
  ScriptedServer anonymous(ioc2, [](const Received& r) {
    if (r.method() != "server/discover") return legacy(r);
    return http_reply("400 Bad Request",
                      R"({"jsonrpc":"2.0","id":null,"error":{"code":-32022,"message":"no",)"
                      R"("data":{"supported":["2099-01-01"]}}})");
  });
  Client c2(ioc2, anonymous.url());
  run(ioc2, [&]() -> asio::awaitable<void> { why = co_await c2.session->ensure_initialized(); });
  REQUIRE(why);
  CHECK(why->kind == Kind::protocol);
  CHECK(anonymous.methods() == std::vector<std::string>{"server/discover"});
}

TEST_CASE("an endpoint whose era is known skips the probe", "[upstream_session]") {
  {
    asio::io_context ioc;
    ScriptedServer server(ioc, legacy);
    Client c(ioc, server.url(), "2025-11-25");
    std::optional<UpstreamError> why;
    run(ioc, [&]() -> asio::awaitable<void> { why = co_await c.session->ensure_initialized(); });
    REQUIRE_FALSE(why);
    CHECK(server.methods() == std::vector<std::string>{"initialize", "notifications/initialized"});
  }
  {
    asio::io_context ioc;
    ScriptedServer server(ioc, [](const Received& r) { return result(r, "{}"); });
    Client c(ioc, server.url(), "2026-07-28");
    UpstreamResult r;
    run(ioc, [&]() -> asio::awaitable<void> {
      r = co_await c.session->request("tools/list", "", nullptr);
    });
    CHECK(r.ok());
    CHECK(c.session->modern());
    CHECK(server.methods() == std::vector<std::string>{"tools/list"});
    CHECK(server.received[0].has_header("Mcp-Method: tools/list\r\n"));
    CHECK_FALSE(server.received[0].has_header("Mcp-Name"));
  }
}

TEST_CASE("a modern upstream's JSON-RPC error on a 4xx is its answer", "[upstream_session]") {
  asio::io_context ioc;
  ScriptedServer server(ioc, [](const Received& r) { return error(r, "404 Not Found", -32601); });
  Client c(ioc, server.url(), "2026-07-28");
  UpstreamResult r;
  run(ioc, [&]() -> asio::awaitable<void> {
    r = co_await c.session->request("prompts/list", "", nullptr);
  });
  REQUIRE_FALSE(r.failure);
  REQUIRE(r.error);
  CHECK(r.error->code == -32601);
}

TEST_CASE("a modern upstream is not probed when it cannot be reached", "[upstream_session]") {
  asio::io_context ioc;
  std::string url;
  {
    tcp::acceptor gone(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    url = "http://127.0.0.1:" + std::to_string(gone.local_endpoint().port()) + "/mcp";
  }
  Client c(ioc, url);
  std::optional<UpstreamError> why;
  run(ioc, [&]() -> asio::awaitable<void> { why = co_await c.session->ensure_initialized(); });
  REQUIRE(why);
  CHECK(why->kind == Kind::unreachable);
}

TEST_CASE("a modern upstream's refusal of mcpgw's headers is a failure, not its answer",
          "[upstream_session]") {
  // -32020 concerns mcpgw's request to the upstream; relayed as it came it would tell the
  // client that mcpgw refused the client's request.
  asio::io_context ioc;
  ScriptedServer server(ioc, [](const Received& r) {
    return error(r, "400 Bad Request", -32020, R"({"header":"Mcp-Name"})");
  });
  Client c(ioc, server.url(), "2026-07-28");
  UpstreamResult r;
  run(ioc, [&]() -> asio::awaitable<void> {
    r = co_await c.session->request("tools/call", R"({"name":"t"})", nullptr);
  });
  CHECK_FALSE(r.error);
  REQUIRE(r.failure);
  CHECK(r.failure->kind == Kind::rejected);
  CHECK(r.failure->text() == R"(it refused the request (-32020 refused, {"header":"Mcp-Name"}))");
  CHECK(server.methods() == std::vector<std::string>{"tools/call"});  // not retried
}

TEST_CASE("a modern upstream's -32021 is the client's to hear", "[upstream_session]") {
  // The capabilities mcpgw declares upstream are the client's own.
  asio::io_context ioc;
  ScriptedServer server(ioc, [](const Received& r) {
    return error(r, "400 Bad Request", -32021, R"({"requiredCapabilities":{"sampling":{}}})");
  });
  Client c(ioc, server.url(), "2026-07-28");
  UpstreamResult r;
  run(ioc, [&]() -> asio::awaitable<void> {
    r = co_await c.session->request("tools/call", R"({"name":"t"})", nullptr);
  });
  CHECK_FALSE(r.failure);
  REQUIRE(r.error);
  CHECK(r.error->code == -32021);
  CHECK(server.methods() == std::vector<std::string>{"tools/call"});
}

TEST_CASE("a modern upstream's -32022 on a request settles the era again and retries once",
          "[upstream_session]") {
  SECTION("the upstream went back to the legacy era: initialize, then the request") {
    asio::io_context ioc;
    ScriptedServer server(ioc, [](const Received& r) {
      const auto v = json::parse(r.body);
      const bool envelope =
          v.as_object().contains("params") && v.at("params").as_object().contains("_meta");
      if (r.method() == "server/discover" || (envelope && r.method() == "tools/call"))
        return error(r, "400 Bad Request", -32022, R"({"supported":["2025-11-25"]})");
      return legacy(r);
    });
    Client c(ioc, server.url(), "2026-07-28");  // discovery had found it modern
    UpstreamResult r;
    run(ioc, [&]() -> asio::awaitable<void> {
      r = co_await c.session->request("tools/call", R"({"name":"t"})", nullptr);
    });
    REQUIRE(r.ok());
    CHECK_FALSE(c.session->modern());
    CHECK(c.session->protocol_version() == "2025-11-25");
    CHECK(server.methods() == std::vector<std::string>{"tools/call", "server/discover",
                                                       "initialize", "notifications/initialized",
                                                       "tools/call"});
  }
  SECTION("still refused after the probe: a failure naming what it serves, no third try") {
    asio::io_context ioc;
    ScriptedServer server(ioc, [](const Received& r) {
      if (r.method() == "server/discover")
        return result(r, R"({"supportedVersions":["2026-07-28"],"capabilities":{}})");
      return error(r, "400 Bad Request", -32022, R"({"supported":["2099-01-01"]})");
    });
    Client c(ioc, server.url(), "2026-07-28");
    UpstreamResult r;
    run(ioc, [&]() -> asio::awaitable<void> {
      r = co_await c.session->request("tools/call", R"({"name":"t"})", nullptr);
    });
    CHECK_FALSE(r.error);
    REQUIRE(r.failure);
    CHECK(r.failure->kind == Kind::rejected);
    CHECK(r.failure->text() ==
          R"(it refused the request (-32022 refused, {"supported":["2099-01-01"]}))");
    CHECK(server.methods() ==
          std::vector<std::string>{"tools/call", "server/discover", "tools/call"});
  }
}
