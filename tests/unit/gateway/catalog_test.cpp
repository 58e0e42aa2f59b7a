#include "gateway/catalog.h"

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
  c.servers["s1"] = {"s1", "one", {"alpha-id", "p-id"}, false, {}, {}};
  c.servers["s2"] = {"s2", "two", {"zeta-id"}, false, {}, {}};
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
