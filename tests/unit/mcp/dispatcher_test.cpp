#include "mcp/dispatcher.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "gateway/catalog.h"
#include "mcp/methods/methods.h"
#include "mcp/server.h"
#include "protocol/versions.h"

using namespace mcpgw;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct Harness {
  gateway::CatalogService catalog;
  mcp::Services services{catalog, {"mcpgw", "9.9.9"}};
  mcp::Dispatcher dispatcher;
  auth::Principal principal{"alice", {"mcp"}, {}, "jwt"};
  mcp::SessionState session{"2025-11-25"};
  asio::io_context ioc;

  Harness() { mcp::register_methods(dispatcher, services); }

  json::object call(std::string_view body, std::string version = "2025-11-25",
                    mcp::Outbound* out = nullptr) {
    auto parsed = jsonrpc::parse(body);
    REQUIRE(parsed.messages.size() == 1);
    auto m = parsed.messages[0];
    mcp::RequestContext ctx({&session, &principal, {}, version, m.id, "t", out, nullptr});
    auto fut = asio::co_spawn(ioc, dispatcher.handle(ctx, m), asio::use_future);
    ioc.restart();
    ioc.run();
    return json::parse(fut.get().text).as_object();
  }
};

gateway::CatalogItem tool(std::string name) {
  return {name + "-id",
          name,
          json::object{{"name", name}, {"inputSchema", json::object{{"type", "object"}}}},
          {},
          nullptr,
          nullptr};
}

}  // namespace

TEST_CASE("initialize answers with the client's version when supported, else the latest", "[mcp]") {
  Harness h;
  auto init = [&](const char* v) {
    return h.call(
        std::string(
            R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")") +
            v + R"(","capabilities":{"sampling":{}},"clientInfo":{"name":"c","version":"1"}}})",
        mcp::negotiate_version(json::value(v)));
  };
  CHECK(init("2025-03-26").at("result").at("protocolVersion") == "2025-03-26");
  CHECK(init("2025-06-18").at("result").at("protocolVersion") == "2025-06-18");
  CHECK(init("2024-11-05").at("result").at("protocolVersion") == "2025-11-25");
  CHECK(init("2099-01-01").at("result").at("protocolVersion") == "2025-11-25");
  auto r = init("2025-11-25").at("result").as_object();
  CHECK(r.at("serverInfo") == json::object{{"name", "mcpgw"}, {"version", "9.9.9"}});
  CHECK(r.at("capabilities").at("tools") == json::object{{"listChanged", true}});
  CHECK_FALSE(r.contains("instructions"));  // optional fields are left out, never null
  CHECK(h.session.client_has_capability("sampling"));
  CHECK(h.session.client_info().at("name") == "c");
}

TEST_CASE("initialize with missing fields is invalid params", "[mcp]") {
  Harness h;
  for (const char* params :
       {R"({})", R"({"protocolVersion":1,"capabilities":{},"clientInfo":{"name":"c"}})",
        R"({"protocolVersion":"2025-11-25","clientInfo":{"name":"c"}})",
        R"({"protocolVersion":"2025-11-25","capabilities":{}})"}) {
    INFO(params);
    auto r = h.call(std::string(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":)") +
                    params + "}");
    CHECK(r.at("error").at("code") == jsonrpc::kInvalidParams);
  }
}

TEST_CASE("ping and logging/setLevel return exactly {}", "[mcp]") {
  Harness h;
  CHECK(json::serialize(h.call(R"({"jsonrpc":"2.0","id":"p","method":"ping"})")) ==
        R"({"jsonrpc":"2.0","id":"p","result":{}})");
  CHECK(
      json::serialize(h.call(
          R"({"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"warning"}})")) ==
      R"({"jsonrpc":"2.0","id":2,"result":{}})");
  CHECK(h.session.log_level() == "warning");
  CHECK(
      h.call(R"({"jsonrpc":"2.0","id":3,"method":"logging/setLevel","params":{"level":"verbose"}})")
          .at("error")
          .at("code") == jsonrpc::kInvalidParams);
}

TEST_CASE("unknown methods, non-object params and throwing handlers", "[mcp]") {
  Harness h;
  CHECK(h.call(R"({"jsonrpc":"2.0","id":1,"method":"nope"})").at("error").at("code") ==
        jsonrpc::kMethodNotFound);
  CHECK(h.call(R"({"jsonrpc":"2.0","id":1,"method":"ping","params":[1]})").at("error").at("code") ==
        jsonrpc::kInvalidParams);
  h.dispatcher.on_request(
      "boom", {[](mcp::RequestContext&, const json::object&) -> asio::awaitable<mcp::Outcome> {
                 throw std::runtime_error("kaboom");
                 co_return mcp::Outcome::ok(nullptr);
               },
               false});
  auto r = h.call(R"({"jsonrpc":"2.0","id":"b","method":"boom"})");
  CHECK(r.at("error").at("code") == jsonrpc::kInternalError);
  CHECK(r.at("id") == "b");
  CHECK(std::string(r.at("error").at("message").as_string()).find("kaboom") == std::string::npos);
}

TEST_CASE("list methods page by an opaque cursor in name order, within the caller's scope",
          "[mcp]") {
  Harness h;
  gateway::Catalog c;
  for (int i = mcp::kPageSize + 5; i > 0; --i)
    c.tools.push_back(tool("t" + std::to_string(1000 + i)));
  c.servers["s1"] = {"s1", "one", {"t1001-id", "t1002-id"}, false, {}, {}, {}, {}};
  gateway::normalize(c);
  h.catalog.publish(std::move(c));
  auto first = h.call(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})").at("result").as_object();
  REQUIRE(first.at("tools").as_array().size() == mcp::kPageSize);
  CHECK(first.at("tools").as_array()[0].at("name") == "t1001");
  const std::string cursor(first.at("nextCursor").as_string());
  auto second = h.call(R"({"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":")" +
                       cursor + R"("}})")
                    .at("result")
                    .as_object();
  CHECK(second.at("tools").as_array().size() == 5);
  CHECK_FALSE(second.contains("nextCursor"));
  CHECK(h.call(R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"nothex"}})")
            .at("error")
            .at("code") == jsonrpc::kInvalidParams);
  // A virtual server's scope sees only its own tools.
  auto parsed = jsonrpc::parse(R"({"jsonrpc":"2.0","id":4,"method":"tools/list"})");
  mcp::RequestContext ctx({&h.session, &h.principal, gateway::Scope{"s1", {}}, "2025-11-25",
                           parsed.messages[0].id, "t", nullptr, nullptr});
  auto fut = asio::co_spawn(h.ioc, h.dispatcher.handle(ctx, parsed.messages[0]), asio::use_future);
  h.ioc.restart();
  h.ioc.run();
  CHECK(json::parse(fut.get().text).at("result").at("tools").as_array().size() == 2);
  CHECK(h.call(R"({"jsonrpc":"2.0","id":5,"method":"prompts/list"})").at("result") ==
        json::object{{"prompts", json::array{}}});
}

TEST_CASE("notifications/cancelled marks the request in flight", "[mcp]") {
  Harness h;
  auto flag = h.session.begin_request(json::value("r1"));
  auto n = jsonrpc::parse(
      R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r1"}})");
  mcp::RequestContext ctx(
      {&h.session, &h.principal, {}, "2025-11-25", nullptr, "t", nullptr, nullptr});
  h.dispatcher.notify(ctx, n.messages[0]);
  CHECK(flag->load());
  // A number id does not cancel a string id of the same digits.
  auto f2 = h.session.begin_request(json::value("7"));
  CHECK_FALSE(h.session.cancel_request(json::value(7)));
  CHECK(h.session.cancel_request(json::value("7")));
}

namespace {
struct CapturingOutbound : mcp::Outbound {
  std::vector<json::object> sent;
  bool send(json::object m) override {
    sent.push_back(std::move(m));
    return true;
  }
  bool send_text(std::string m) override {
    sent.push_back(boost::json::parse(m).as_object());
    return true;
  }
};
}  // namespace

TEST_CASE("server-to-client requests are matched to replies by id value and type", "[mcp]") {
  Harness h;
  h.session.set_client(json::object{{"name", "client"}}, json::object{{"roots", json::object{}}});
  CapturingOutbound out;
  mcp::RequestContext ctx(
      {&h.session, &h.principal, {}, "2025-11-25", json::value(1), "t", &out, nullptr});
  auto fut = asio::co_spawn(
      h.ioc, ctx.request("roots/list", json::object{}, std::chrono::seconds(5)), asio::use_future);
  h.ioc.restart();
  h.ioc.run_one();  // sends the request, then waits
  REQUIRE(out.sent.size() == 1);
  const json::value id = out.sent[0].at("id");
  CHECK(id.is_string());
  // The same digits as a number, or an unknown id, match nothing.
  jsonrpc::Error why;
  json::value ignored;
  auto wrong =
      jsonrpc::to_message(json::parse(R"({"jsonrpc":"2.0","id":123,"result":{}})"), why, ignored);
  CHECK_FALSE(h.session.deliver_reply(*wrong));
  auto reply = jsonrpc::to_message(
      json::object{
          {"jsonrpc", "2.0"}, {"id", id}, {"result", json::object{{"roots", json::array{}}}}},
      why, ignored);
  CHECK(h.session.deliver_reply(*reply));
  h.ioc.run();
  auto r = fut.get();
  REQUIRE_FALSE(r.error);
  CHECK(r.result.at("roots").as_array().empty());
}

TEST_CASE("server-to-client requests time out and need a session", "[mcp]") {
  Harness h;
  CapturingOutbound out;
  mcp::RequestContext ctx(
      {&h.session, &h.principal, {}, "2025-11-25", json::value(1), "t", &out, nullptr});
  auto fut = asio::co_spawn(h.ioc, ctx.request("ping", nullptr, std::chrono::milliseconds(50)),
                            asio::use_future);
  h.ioc.restart();
  h.ioc.run();
  auto r = fut.get();
  REQUIRE(r.error);
  CHECK(r.error->message.find("no answer") != std::string::npos);
  CHECK_FALSE(h.session.forget_reply(out.sent.at(0).at("id")));  // the waiter is gone

  mcp::RequestContext stateless(
      {nullptr, &h.principal, {}, "2025-11-25", json::value(1), "t", &out, nullptr});
  auto f2 = asio::co_spawn(h.ioc, stateless.request("ping", nullptr, std::chrono::seconds(1)),
                           asio::use_future);
  h.ioc.restart();
  h.ioc.run();
  CHECK(f2.get().error);
}

TEST_CASE("version rules", "[mcp]") {
  CHECK(protocol::is_supported_version("2025-03-26"));
  CHECK_FALSE(protocol::is_supported_version("2024-11-05"));
  CHECK(protocol::allows_batches("2025-03-26"));
  CHECK_FALSE(protocol::allows_batches("2025-06-18"));
  CHECK(protocol::wants_priming_event("2025-11-25"));
  CHECK_FALSE(protocol::wants_priming_event("2025-06-18"));
}
