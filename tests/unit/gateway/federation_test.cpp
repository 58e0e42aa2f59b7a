#include "gateway/federation.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "gateway/upstream_session.h"

using namespace mcpgw::gateway;
namespace json = boost::json;

TEST_CASE("federated names: <slug><sep><original>, one rule", "[federation]") {
  CHECK(federated_name("everything", "__", "echo") == "everything__echo");
  CHECK(federated_name("a-b", ".", "get-sum") == "a-b.get-sum");
}

TEST_CASE("federated URIs: <slug>+<uri>, reversible, distinct per upstream", "[federation]") {
  CHECK(federated_uri("fa", "fid://items/{id}") == "fa+fid://items/{id}");
  CHECK(federated_uri("fa", "file:///a+b") == "fa+file:///a+b");
  CHECK(upstream_uri("fa", "fa+file:///a+b") == std::optional<std::string_view>("file:///a+b"));
  CHECK(federated_uri("fa", "x://1") != federated_uri("fb", "x://1"));
  CHECK_FALSE(upstream_uri("fa", "fab+x://1"));  // another slug that starts alike
  CHECK_FALSE(upstream_uri("fa", "fa+"));
  CHECK_FALSE(upstream_uri("fa", "x://1"));
}

TEST_CASE("slugs: lower-case letters, digits and single dashes", "[federation]") {
  CHECK(slugify("Everything") == "everything");
  CHECK(slugify("  My Upstream / v2!! ") == "my-upstream-v2");
  CHECK(slugify("___") == "gateway");
  CHECK(slugify(std::string(100, 'x')).size() == 48);
}

namespace {
CatalogItem upstream_item(std::string key, std::string original,
                          std::shared_ptr<const UpstreamEndpoint> e) {
  return {
      key + "-id",
      key,
      json::object{{"name", key}, {"inputSchema", json::object{{"type", "object"}}}},
      {},
      nullptr,
      std::make_shared<const UpstreamBinding>(UpstreamBinding{std::move(e), std::move(original)})};
}
}  // namespace

TEST_CASE("a server with original names shows them where they are unique in it", "[catalog]") {
  auto a = std::make_shared<UpstreamEndpoint>();
  a->gateway_id = "ga";
  auto b = std::make_shared<UpstreamEndpoint>();
  b->gateway_id = "gb";
  Catalog c;
  c.tools = {upstream_item("a__echo", "echo", a), upstream_item("b__echo", "echo", b),
             upstream_item("a__sum", "sum", a)};
  c.servers["plain"] = {"plain", "plain", {"a__echo-id", "a__sum-id"}, true, {}, {}, {}, {}};
  c.servers["clash"] = {"clash", "clash", {"a__echo-id", "b__echo-id", "a__sum-id"}, true, {}, {},
                        {},      {}};
  c.servers["prefixed"] = {"prefixed", "prefixed", {"a__echo-id"}, false, {}, {}, {}, {}};
  normalize(c);
  auto names = [&](const char* server) {
    std::vector<std::string> out;
    for (const auto* t : visible(c, ItemKind::tool, {server, {}}))
      out.push_back(t->key + "=" + std::string(t->definition.at("name").as_string()));
    return out;
  };
  CHECK(names("plain") == std::vector<std::string>{"echo=echo", "sum=sum"});
  // Two upstreams both have "echo": those keep their federated names.
  CHECK(names("clash") ==
        std::vector<std::string>{"a__echo=a__echo", "b__echo=b__echo", "sum=sum"});
  CHECK(names("prefixed") == std::vector<std::string>{"a__echo=a__echo"});
  // Calls find the tool by the name the server shows, and keep its upstream binding.
  const auto* t = find_tool(c, "echo", {"plain", {}});
  REQUIRE(t);
  CHECK(t->upstream->original == "echo");
  CHECK(t->upstream->endpoint->gateway_id == "ga");
  CHECK(find_tool(c, "a__echo", {"plain", {}}) == nullptr);
  CHECK(find_tool(c, "echo", {"clash", {}}) == nullptr);
  // The serialized form follows the rename (lists are built from it).
  CHECK(t->json.find("\"name\":\"echo\"") != std::string::npos);
  // The whole catalog still has the federated names.
  CHECK(find_tool(c, "a__echo", {}) != nullptr);
}
