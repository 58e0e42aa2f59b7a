#include <catch2/catch.hpp>

#include "support/store_fixture.h"

using namespace mcpgw;

namespace {

void add_tool(store::CatalogStore& db, const std::string& id, const std::string& name) {
  store::RestToolWrite t;
  t.name = name;
  t.input_schema = "{}";
  t.annotations = t.headers = "{}";
  t.tags = "[]";
  t.auth_type = "none";
  REQUIRE(db.tools().save(id, true, [&](const auto&) { return store::ToolWrite(t); }));
}

}  // namespace

TEST_CASE("server repository: memberships round-trip; existence is asked in the transaction",
          "[store][servers]") {
  test::StoreFixture f;
  add_tool(*f.db, "b", "tool-b");
  add_tool(*f.db, "a", "tool-a");
  auto& servers = f.db->servers();
  std::vector<std::pair<store::ServerItem, std::string>> asked;
  auto saved = servers.save("s1", true, [&](const auto& stored, const auto& exists) {
    CHECK_FALSE(stored);
    for (const char* id : {"a", "b", "zz"})
      if (exists(store::ServerItem::tool, id)) asked.emplace_back(store::ServerItem::tool, id);
    CHECK_FALSE(exists(store::ServerItem::prompt, "a"));
    return std::optional<store::ServerWrite>(
        store::ServerWrite{"one", "first", true, R"(["t"])", {"b", "a"}, {}, {}});
  });
  CHECK(asked.size() == 2);
  REQUIRE(saved);
  CHECK(saved->tool_ids == std::vector<std::string>{"a", "b"});  // sorted
  CHECK(saved->expose_original_names);
  CHECK(saved->tags == R"(["t"])");

  auto updated = servers.save("s1", false, [](const auto& stored, const auto&) {
    REQUIRE(stored);
    CHECK(stored->tool_ids.size() == 2);
    return std::optional<store::ServerWrite>(
        store::ServerWrite{"one", "first", false, "[]", {"a"}, {}, {}});
  });
  REQUIRE(updated);
  CHECK(updated->tool_ids == std::vector<std::string>{"a"});

  // Deleting a tool removes it from the server.
  CHECK(f.db->tools().remove("a"));
  CHECK(servers.find("s1")->tool_ids.empty());

  store::ListQuery q;
  q.tag = "t";
  CHECK(servers.page(q).empty());
  q.tag.reset();
  q.name_contains = "ON";
  CHECK(servers.page(q).size() == 1);

  CHECK_THROWS_AS(servers.save("s2", true,
                               [](const auto&, const auto&) {
                                 return std::optional<store::ServerWrite>(
                                     store::ServerWrite{"one", "", false, "[]", {}, {}, {}});
                               }),
                  store::Conflict);
  CHECK(servers.remove("s1"));
  CHECK_FALSE(servers.find("s1"));
}
