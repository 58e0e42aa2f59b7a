#include "mcp/listen.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "mcp/methods/params.h"

using namespace mcpgw;
namespace json = boost::json;

namespace {
gateway::CatalogItem item(std::string key) {
  return {key + "-id", key, json::object{{"name", key}}, {}, nullptr, nullptr};
}
gateway::Catalog catalog(std::vector<std::string> tools, std::vector<std::string> prompts) {
  gateway::Catalog c;
  for (auto& t : tools)
    c.tools.push_back(item(t));
  for (auto& p : prompts)
    c.prompts.push_back(item(p));
  c.servers["s1"] = {"s1", "one", {"a-id"}, false, {}, {}, {}, {}};
  gateway::normalize(c);
  return c;
}
struct Sink {
  std::vector<json::value> got;
  mcp::ListenHub::Send send() {
    return [this](std::string m) {
      got.push_back(json::parse(m));
      return true;
    };
  }
};
}  // namespace

TEST_CASE("listen streams get the granted list changes of their scope, tagged", "[mcp]") {
  mcp::ListenHub hub(10);
  Sink all, tools_only, server, nothing;
  int woken = 0;
  auto wake = [&woken] { ++woken; };
  CHECK(hub.add({}, {true, true, true}, "listen:0", all.send(), wake) != 0);
  CHECK(hub.add({}, {true, false, false}, 7, tools_only.send(), wake) != 0);
  CHECK(hub.add({"s1", {}}, {true, true, true}, "v", server.send(), wake) != 0);
  const auto gone = hub.add({}, {true, true, true}, "gone", nothing.send(), wake);
  hub.remove(gone);

  const auto before = catalog({"a"}, {"p"});
  const auto after = catalog({"a", "b"}, {"p", "q"});  // s1 sees only "a": unchanged there
  mcp::ListChanges changes(before, after);
  hub.deliver(changes);

  REQUIRE(all.got.size() == 2);
  CHECK(all.got[0].at("method") == "notifications/tools/list_changed");
  CHECK(all.got[0].at("params").at("_meta").at("io.modelcontextprotocol/subscriptionId") ==
        "listen:0");
  CHECK(all.got[1].at("method") == "notifications/prompts/list_changed");
  REQUIRE(tools_only.got.size() == 1);
  CHECK(tools_only.got[0].at("params").at("_meta").at("io.modelcontextprotocol/subscriptionId") ==
        7);
  CHECK(server.got.empty());
  CHECK(nothing.got.empty());

  CHECK_FALSE(hub.closed());
  hub.close_all();
  CHECK(hub.closed());
  CHECK(woken == 3);
  CHECK(hub.add({}, {true, false, false}, 1, all.send(), wake) == 0);  // closed: no new ones
}

TEST_CASE("listen streams are limited in number", "[mcp]") {
  mcp::ListenHub hub(1);
  Sink s;
  const auto a = hub.add({}, {true, false, false}, 1, s.send(), [] {});
  CHECK(a != 0);
  CHECK(hub.add({}, {true, false, false}, 2, s.send(), [] {}) == 0);
  hub.remove(a);
  CHECK(hub.add({}, {true, false, false}, 3, s.send(), [] {}) != 0);
}

TEST_CASE("the listen filter parses, or gives the reason", "[mcp]") {
  auto obj = [](std::string_view text) { return json::parse(text).as_object(); };
  mcp::ListenParams p;
  CHECK(mcp::ListenParams::parse(obj("{}"), p) == "notifications must be an object");
  CHECK(mcp::ListenParams::parse(obj(R"({"notifications":{"toolsListChanged":1}})"), p) ==
        "notifications.toolsListChanged must be a boolean");
  CHECK(mcp::ListenParams::parse(obj(R"({"notifications":{"resourceSubscriptions":[1]}})"), p) ==
        "notifications.resourceSubscriptions must be an array of URIs");
  mcp::ListenParams ok;
  CHECK_FALSE(mcp::ListenParams::parse(
      obj(R"({"notifications":{"toolsListChanged":true,"resourceSubscriptions":["a://b"]}})"), ok));
  CHECK(ok.tools);
  CHECK_FALSE(ok.prompts);
  CHECK(ok.resource_uris == std::vector<std::string>{"a://b"});
}
