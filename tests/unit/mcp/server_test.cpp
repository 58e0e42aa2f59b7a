#include "mcp/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "mcp/methods/methods.h"
#include "mcp/scope.h"

using namespace mcpgw;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct Fixture {
  gateway::CatalogService catalog;
  mcp::Services services{catalog, {"mcpgw", "1"}};
  mcp::Dispatcher dispatcher;
  mcp::Server server{dispatcher, catalog};
  auth::Principal principal{"alice", {"mcp"}, {}, "jwt"};
  asio::io_context ioc;

  Fixture() { mcp::register_methods(dispatcher, services); }

  mcp::Server::Initialized initialize(std::string_view body) {
    auto parsed = jsonrpc::parse(body);
    REQUIRE(parsed.messages.size() == 1);
    const auto m = parsed.messages[0];
    const mcp::RequestContext::Init init{nullptr, &principal, {}, {}, m.id, "t", nullptr, nullptr};
    auto fut = asio::co_spawn(ioc, server.initialize(init, m), asio::use_future);
    ioc.restart();
    ioc.run();
    return fut.get();
  }
};

}  // namespace

TEST_CASE("initialize gives the session state to commit, at the negotiated version", "[mcp]") {
  Fixture f;
  auto ok = f.initialize(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",)"
      R"("capabilities":{"roots":{}},"clientInfo":{"name":"c","version":"2"}}})");
  REQUIRE(ok.session);
  CHECK_FALSE(ok.answer.is_error);
  CHECK(ok.session->protocol_version() == "2025-06-18");
  CHECK(ok.session->client_has_capability("roots"));
  CHECK(ok.session->client_info().at("name") == "c");
  CHECK(json::parse(ok.answer.text).at("result").at("protocolVersion") == "2025-06-18");

  auto unknown = f.initialize(
      R"({"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2024-01-01",)"
      R"("capabilities":{},"clientInfo":{"name":"c"}}})");
  REQUIRE(unknown.session);
  CHECK(unknown.session->protocol_version() == "2025-11-25");

  auto bad = f.initialize(R"({"jsonrpc":"2.0","id":3,"method":"initialize","params":{}})");
  CHECK(bad.answer.is_error);
  CHECK_FALSE(bad.session);  // nothing to commit
  CHECK(json::parse(bad.answer.text).at("error").at("code") == jsonrpc::kInvalidParams);
}

TEST_CASE("the scope of an endpoint: /mcp, a virtual server, an unknown one, another's", "[mcp]") {
  gateway::Catalog snapshot;
  snapshot.servers["s1"] = {"s1", "one", {}, false, {}, {}, {}, {}};
  snapshot.servers["s2"] = {"s2", "two", {}, false, {}, {}, {}, {}};
  gateway::CatalogService c;
  c.publish(snapshot);
  auth::Principal anyone{"a", {"mcp"}, {}, "jwt"};
  auth::Principal only_s1{"b", {"mcp"}, {"s1"}, "jwt"};

  auto all = mcp::check_scope(c, only_s1, std::nullopt);
  CHECK(all.refusal == mcp::ScopeCheck::Refusal::none);
  CHECK_FALSE(all.scope.server);
  CHECK(all.scope.token_servers == std::vector<std::string>{"s1"});

  auto s1 = mcp::check_scope(c, only_s1, "s1");
  CHECK(s1.refusal == mcp::ScopeCheck::Refusal::none);
  CHECK(s1.scope.server == "s1");

  auto s2 = mcp::check_scope(c, only_s1, "s2");
  CHECK(s2.refusal == mcp::ScopeCheck::Refusal::forbidden);
  CHECK(s2.message == "Forbidden: this token may not use server 's2'");

  auto none = mcp::check_scope(c, anyone, "nope");
  CHECK(none.refusal == mcp::ScopeCheck::Refusal::unknown_server);
  CHECK(none.message == "Not Found: no virtual server 'nope'");
}

TEST_CASE("typed params: each method's params parse, or give the reason", "[mcp]") {
  auto obj = [](std::string_view text) { return json::parse(text).as_object(); };
  mcp::CallToolParams call;
  CHECK(mcp::CallToolParams::parse(obj(R"({"name":1})"), call) == "name must be a string");
  CHECK(mcp::CallToolParams::parse(obj(R"({"name":"t","arguments":[]})"), call) ==
        "arguments must be an object");
  const auto no_args = obj(R"({"name":"t"})");
  CHECK_FALSE(mcp::CallToolParams::parse(no_args, call));
  CHECK(call.name == "t");
  CHECK(call.arguments->empty());
  CHECK(call.raw == &no_args);

  mcp::ListParams list;
  CHECK_FALSE(mcp::ListParams::parse(obj(R"({"cursor":null})"), list));
  CHECK_FALSE(list.after);
  CHECK(mcp::ListParams::parse(obj(R"({"cursor":"zz"})"), list) == "unknown cursor");
  CHECK_FALSE(mcp::ListParams::parse(obj(R"({"cursor":"6162"})"), list));
  CHECK(list.after == "ab");

  mcp::CompleteParams complete;
  CHECK(mcp::CompleteParams::parse(obj(R"({"ref":{}})"), complete) ==
        "ref and argument are required");
  CHECK(mcp::CompleteParams::parse(obj(R"({"ref":{"type":"ref/prompt","uri":"x"},"argument":{}})"),
                                   complete) ==
        "ref must be a ref/prompt with a name or a ref/resource with a uri");
  CHECK_FALSE(mcp::CompleteParams::parse(
      obj(R"({"ref":{"type":"ref/resource","uri":"a+b://x"},"argument":{}})"), complete));
  CHECK_FALSE(complete.prompt);
  CHECK(complete.key == "a+b://x");

  mcp::SetLevelParams level;
  CHECK(mcp::SetLevelParams::parse(obj(R"({"level":"loud"})"), level));
  CHECK_FALSE(mcp::SetLevelParams::parse(obj(R"({"level":"notice"})"), level));
}

namespace {
std::string modern_request(std::string_view method, std::string_view extra_params = "") {
  return std::string(R"({"jsonrpc":"2.0","id":"m1","method":")") + std::string(method) +
         R"(","params":{)" + std::string(extra_params) +
         R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
         R"("io.modelcontextprotocol/clientCapabilities":{}}}})";
}
}  // namespace

TEST_CASE("modern requests: the era's methods only; removed and unknown ones 404", "[mcp]") {
  Fixture f;
  for (std::string_view removed : {"initialize", "ping", "logging/setLevel", "resources/subscribe",
                                   "resources/unsubscribe", "no/such"}) {
    auto parsed = jsonrpc::parse(modern_request(removed));
    auto r = f.server.admit(parsed.messages[0], "2026-07-28");
    REQUIRE(std::holds_alternative<mcp::Refusal>(r));
    CHECK(std::get<mcp::Refusal>(r).http_status == 404);
    CHECK(std::get<mcp::Refusal>(r).error.code == jsonrpc::kMethodNotFound);
  }
  // The envelope is read before the method is looked up.
  auto parsed = jsonrpc::parse(modern_request("no/such"));
  auto r = f.server.admit(parsed.messages[0], std::nullopt);
  CHECK(std::get<mcp::Refusal>(r).http_status == 400);
  // server/discover is modern only.
  CHECK(f.dispatcher.find("server/discover", mcp::kModern));
  CHECK_FALSE(f.dispatcher.find("server/discover", mcp::kLegacy));
  CHECK(f.dispatcher.find("tools/list", mcp::kModern));
  CHECK(f.dispatcher.find("ping", mcp::kLegacy));
}

TEST_CASE("server/discover: every revision, the capabilities, serverInfo, cache hints", "[mcp]") {
  Fixture f;
  auto parsed = jsonrpc::parse(modern_request("server/discover"));
  const auto& m = parsed.messages[0];
  auto admitted = f.server.admit(m, "2026-07-28");
  REQUIRE(std::holds_alternative<mcp::Server::Admitted>(admitted));
  auto& ok = std::get<mcp::Server::Admitted>(admitted);
  mcp::RequestContext ctx({nullptr,
                           &f.principal,
                           {},
                           "2026-07-28",
                           m.id,
                           "t",
                           nullptr,
                           nullptr,
                           &ok.envelope,
                           std::make_shared<mcp::Cancellation>()});
  auto fut = asio::co_spawn(f.ioc, f.server.modern(ctx, m), asio::use_future);
  f.ioc.run();
  const auto answer = json::parse(fut.get().text);
  CHECK(answer.at("id") == "m1");
  const auto& r = answer.at("result");
  CHECK(r.at("supportedVersions") ==
        json::parse(R"(["2026-07-28","2025-11-25","2025-06-18","2025-03-26"])"));
  CHECK(r.at("capabilities").as_object().contains("tools"));
  CHECK(r.at("resultType") == "complete");
  CHECK(r.at("cacheScope") == "private");
  CHECK(r.at("ttlMs") == 0);
  CHECK(r.at("_meta").at("io.modelcontextprotocol/serverInfo").at("name") == "mcpgw");
}
