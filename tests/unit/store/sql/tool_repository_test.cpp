#include <catch2/catch.hpp>

#include "support/store_fixture.h"

using namespace mcpgw;

namespace {

store::RestToolWrite rest_tool(std::string name) {
  store::RestToolWrite t;
  t.name = std::move(name);
  t.description = "d";
  t.input_schema = R"({"type":"object"})";
  t.annotations = "{}";
  t.request_type = "GET";
  t.url = "http://example.test/x";
  t.headers = "{}";
  t.timeout_ms = 1000;
  t.auth_type = "none";
  t.tags = R"(["a"])";
  t.sealed_credentials = std::optional<std::string>();
  return t;
}

std::optional<store::ToolRecord> create(store::ToolRepository& tools, const std::string& id,
                                        store::RestToolWrite w) {
  return tools.save(id, true, [&](const auto& stored) -> std::optional<store::ToolWrite> {
    CHECK_FALSE(stored);  // creating: nothing is read
    return w;
  });
}

}  // namespace

TEST_CASE("tool repository: create, read back, page and remove", "[store][tools]") {
  test::StoreFixture f;
  auto& tools = f.db->tools();
  auto saved = create(tools, "t1", rest_tool("weather"));
  REQUIRE(saved);
  CHECK(saved->id == "t1");
  CHECK(saved->name == "weather");
  CHECK(saved->original_name == "weather");
  CHECK(saved->integration_type == "REST");
  CHECK(saved->request_type == "GET");
  CHECK_FALSE(saved->output_schema);
  CHECK_FALSE(saved->gateway_id);
  CHECK_FALSE(saved->has_credentials);
  CHECK(saved->created_at);
  REQUIRE(create(tools, "t2", rest_tool("news")));

  CHECK(tools.find("t1")->name == "weather");
  CHECK_FALSE(tools.find("nope"));

  store::ListQuery q;
  auto all = tools.page(q);
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "news");  // ordered by name
  q.limit = 1;
  q.after = std::pair<std::string, std::string>{"news", "t2"};
  auto next = tools.page(q);
  REQUIRE(next.size() == 1);
  CHECK(next[0].name == "weather");
  store::ListQuery filtered;
  filtered.name_contains = "WEA";
  filtered.tag = "a";
  filtered.integration_type = "REST";
  CHECK(tools.page(filtered).size() == 1);

  CHECK(tools.remove("t1"));
  CHECK_FALSE(tools.remove("t1"));
  CHECK_FALSE(tools.find("t1"));
}

TEST_CASE("tool repository: a taken name is a store::Conflict and writes nothing",
          "[store][tools]") {
  test::StoreFixture f;
  auto& tools = f.db->tools();
  REQUIRE(create(tools, "t1", rest_tool("weather")));
  CHECK_THROWS_AS(create(tools, "t2", rest_tool("weather")), store::Conflict);
  CHECK_FALSE(tools.find("t2"));
  // The connection stays usable after the failed statement (no repeated error).
  REQUIRE(create(tools, "t3", rest_tool("other")));
  CHECK(tools.page({}).size() == 2);
}

TEST_CASE("tool repository: update sees the stored tool; credentials kept or replaced",
          "[store][tools]") {
  test::StoreFixture f;
  auto& tools = f.db->tools();
  auto w = rest_tool("weather");
  w.auth_type = "bearer";
  w.sealed_credentials = std::optional<std::string>(std::string("\x01\x02sealed", 8));
  REQUIRE(create(tools, "t1", w)->has_credentials);

  w.description = "changed";
  w.sealed_credentials.reset();  // keep
  auto kept = tools.save("t1", false, [&](const auto& stored) -> std::optional<store::ToolWrite> {
    REQUIRE(stored);
    CHECK(stored->description == "d");
    return w;
  });
  REQUIRE(kept);
  CHECK(kept->description == "changed");
  CHECK(kept->has_credentials);

  w.sealed_credentials = std::optional<std::string>();  // replace with none
  CHECK_FALSE(
      tools.save("t1", false, [&](const auto&) { return store::ToolWrite(w); })->has_credentials);

  // Nothing decided, nothing written; an unknown id is seen as nullopt.
  CHECK_FALSE(tools.save("t1", false, [](const auto&) { return std::nullopt; }));
  CHECK(tools.find("t1")->description == "changed");
  bool saw_none = false;
  CHECK_FALSE(tools.save("nope", false, [&](const auto& stored) {
    saw_none = !stored;
    return std::nullopt;
  }));
  CHECK(saw_none);

  auto discovered = tools.save("t1", false, [](const auto&) {
    return store::ToolWrite(store::DiscoveredToolWrite{R"(["x"])", false});
  });
  REQUIRE(discovered);
  CHECK(discovered->tags == R"(["x"])");
  CHECK_FALSE(discovered->enabled);
  CHECK(discovered->description == "changed");
}
