#include "gateway/catalog.h"

#include "gateway/upstream_session.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace mcpgw::gateway;
namespace json = boost::json;

namespace {
CatalogItem item(std::string key) {
  return {key + "-id", key, json::object{{"name", key}}, {}, nullptr, nullptr};
}
Catalog sample() {
  Catalog c;
  c.tools = {item("zeta"), item("alpha"), item("mid")};
  c.prompts = {item("p")};
  c.servers["s1"] = {"s1", "one", {"alpha-id", "p-id"}, false, {}, {}, {}, {}};
  c.servers["s2"] = {"s2", "two", {"zeta-id"}, false, {}, {}, {}, {}};
  normalize(c);
  return c;
}
std::vector<std::string> keys(const std::vector<const CatalogItem*>& v) {
  std::vector<std::string> out;
  for (auto* i : v)
    out.push_back(i->key);
  return out;
}
}  // namespace

TEST_CASE("lists are in a deterministic order", "[catalog]") {
  auto c = sample();
  CHECK(keys(visible(c, ItemKind::tool, {})) == std::vector<std::string>{"alpha", "mid", "zeta"});
}

TEST_CASE("scopes: everything, one server, or the union of the token's servers", "[catalog]") {
  auto c = sample();
  CHECK(keys(visible(c, ItemKind::tool, {"s1", {}})) == std::vector<std::string>{"alpha"});
  CHECK(keys(visible(c, ItemKind::tool, {std::nullopt, {"s1", "s2"}})) ==
        std::vector<std::string>{"alpha", "zeta"});
  CHECK(keys(visible(c, ItemKind::tool, {std::nullopt, {"unknown"}})).empty());
  CHECK(keys(visible(c, ItemKind::prompt, {"s2", {}})).empty());
  CHECK(visible(c, ItemKind::tool, {"nope", {}}).empty());
}

TEST_CASE("fingerprints change exactly when a scope's view changes", "[catalog]") {
  auto before = sample();
  auto after = before;
  after.tools[1].definition["description"] = "changed";  // "mid": in no server
  normalize(after);  // as publish() does: fingerprints read the serialized form
  CHECK(fingerprint(before, ItemKind::tool, {}) != fingerprint(after, ItemKind::tool, {}));
  CHECK(fingerprint(before, ItemKind::tool, {"s1", {}}) ==
        fingerprint(after, ItemKind::tool, {"s1", {}}));
  CHECK(fingerprint(before, ItemKind::prompt, {}) == fingerprint(after, ItemKind::prompt, {}));
}

TEST_CASE("publishing swaps the snapshot and tells listeners; old readers keep theirs",
          "[catalog]") {
  CatalogService svc;
  auto held = svc.current();
  std::uint64_t seen_before = 99, seen_after = 0;
  svc.subscribe([&](const Catalog& b, const Catalog& a) {
    seen_before = b.version;
    seen_after = a.version;
  });
  svc.publish(sample());
  CHECK(seen_before == 0);
  CHECK(seen_after == 1);
  CHECK(svc.current()->tools.size() == 3);
  CHECK(held->tools.empty());
}

namespace {
CatalogItem upstream_item(std::string id, std::string key, std::string original,
                          const char* field) {
  UpstreamEndpoint e;
  e.gateway_id = "g1";
  e.name = "G";
  e.slug = "fid";
  auto endpoint = std::make_shared<const UpstreamEndpoint>(e);
  CatalogItem i{id, key, json::object{{field, key}}, {}, nullptr, nullptr};
  i.upstream = std::make_shared<const UpstreamBinding>(UpstreamBinding{endpoint, original});
  return i;
}
}  // namespace

// Issue 11: original names mean original URIs too.
TEST_CASE("a server with original names shows upstream URIs where unique in it", "[catalog]") {
  Catalog c;
  c.resources = {upstream_item("r1", "fid+fid://a", "fid://a", "uri"),
                 upstream_item("r2", "gid+fid://a", "fid://a", "uri"),  // the same URI, elsewhere
                 upstream_item("r3", "fid+fid://b", "fid://b", "uri")};
  c.resource_templates = {
      upstream_item("t1", "fid+fid://items/{id}", "fid://items/{id}", "uriTemplate")};
  c.servers["plain"] = {"plain", "p", {"r1", "r3", "t1"}, true, {}, {}, {}, {}};
  c.servers["clash"] = {"clash", "c", {"r1", "r2"}, true, {}, {}, {}, {}};
  normalize(c);
  const Scope plain{"plain", {}};
  CHECK(keys(visible(c, ItemKind::resource, plain)) ==
        std::vector<std::string>{"fid://a", "fid://b"});
  CHECK(visible(c, ItemKind::resource, plain)[0]->definition.at("uri") == "fid://a");
  CHECK(keys(visible(c, ItemKind::resource_template, plain)) ==
        std::vector<std::string>{"fid://items/{id}"});
  CHECK(visible(c, ItemKind::resource_template, plain)[0]->definition.at("uriTemplate") ==
        "fid://items/{id}");
  CHECK(find_item(c, ItemKind::resource, "fid://b", plain));
  CHECK_FALSE(find_item(c, ItemKind::resource, "fid+fid://b", plain));
  CHECK(shows_original_names(c, plain));
  // Not unique in the server: both keep their federated URIs.
  CHECK(keys(visible(c, ItemKind::resource, {"clash", {}})) ==
        std::vector<std::string>{"fid+fid://a", "gid+fid://a"});
  // /mcp is unchanged.
  CHECK(keys(visible(c, ItemKind::resource, {})) ==
        std::vector<std::string>{"fid+fid://a", "fid+fid://b", "gid+fid://a"});
  CHECK_FALSE(shows_original_names(c, {}));
}
