// Gateways as the admin writes them, discoveries and health as federation writes them, and the
// catalog as the gateway layer reads it.
#include <catch2/catch.hpp>

#include "support/store_fixture.h"

using namespace mcpgw;

namespace {

store::GatewayWrite gateway(std::string name, std::string slug) {
  store::GatewayWrite g;
  g.name = std::move(name);
  g.slug = std::move(slug);
  g.url = "http://upstream.test/mcp";
  g.headers = R"({"X-A":"1"})";
  g.tags = "[]";
  g.timeout_ms = 5000;
  g.auth_type = "none";
  g.sealed_credentials = std::optional<std::string>();
  return g;
}

std::optional<store::GatewayRecord> create(store::CatalogStore& db, const std::string& id,
                                           const store::GatewayWrite& g) {
  return db.gateways().save(id, true, [&](const auto&) { return std::optional(g); });
}

store::Discovery discovery(const std::string& slug) {
  store::Discovery d;
  d.tools.push_back({"echo", slug + "-echo", "says it back", R"({"type":"object"})", std::nullopt,
                     "{}", R"({"name":"echo"})"});
  d.tools.push_back({"add", slug + "-add", "", "{}", std::string("{}"), "{}", "{}"});
  d.resources.push_back(
      {"file:///a", slug + "+file:///a", "a", "", std::string("text/plain"), false, "{}"});
  d.resources.push_back({"file:///{x}", slug + "+file:///{x}", "x", "", std::nullopt, true, "{}"});
  d.prompts.push_back({"greet", slug + "-greet", "", "[]", "{}"});
  d.capabilities = R"({"tools":{}})";
  d.server_info = R"({"name":"up"})";
  d.protocol_version = "2025-11-25";
  return d;
}

}  // namespace

TEST_CASE("gateway repository: create, counts, keep credentials, conflict on slug",
          "[store][gateways]") {
  test::StoreFixture f;
  auto g = gateway("Up", "up");
  g.sealed_credentials = std::optional<std::string>(std::string("sealed"));
  auto saved = create(*f.db, "g1", g);
  REQUIRE(saved);
  CHECK(saved->slug == "up");
  CHECK(saved->has_credentials);
  CHECK(saved->status == "unknown");
  CHECK(saved->tool_count == 0);
  CHECK_FALSE(saved->last_seen_at);

  g.description = "changed";
  g.sealed_credentials.reset();  // keep
  auto kept = f.db->gateways().save("g1", false, [&](const auto& stored) {
    REQUIRE(stored);
    return std::optional(g);
  });
  REQUIRE(kept);
  CHECK(kept->description == "changed");
  CHECK(kept->has_credentials);

  CHECK_THROWS_AS(create(*f.db, "g2", gateway("Other", "up")), store::Conflict);
  CHECK(f.db->gateways().page({}).size() == 1);
}

TEST_CASE("discovery writer: one discovery, matched by upstream name on refresh",
          "[store][discovery]") {
  test::StoreFixture f;
  REQUIRE(create(*f.db, "g1", gateway("Up", "up")));
  std::string slug_seen;
  auto first = f.db->discovery().store_discovery("g1", [&](const std::string& slug) {
    slug_seen = slug;
    return discovery(slug);
  });
  CHECK(slug_seen == "up");
  CHECK(first.gateway_found);
  CHECK(first.tools == 2);
  CHECK(first.resources == 1);
  CHECK(first.resource_templates == 1);
  CHECK(first.prompts == 1);
  CHECK(first.skipped.empty());
  auto g = f.db->gateways().find("g1");
  CHECK(g->status == "healthy");
  CHECK(g->last_seen_at);
  CHECK(g->tool_count == 2);
  CHECK(g->protocol_version == "2025-11-25");

  // A refresh keeps the ids of the items it still finds and drops the others.
  const std::string echo_id = f.db->tools().page({})[1].id;  // up-add, up-echo
  auto d = discovery("up");
  d.tools.pop_back();
  auto second = f.db->discovery().store_discovery("g1", [&](const std::string&) { return d; });
  CHECK(second.tools == 1);
  auto tools = f.db->tools().page({});
  REQUIRE(tools.size() == 1);
  CHECK(tools[0].id == echo_id);
  CHECK(tools[0].integration_type == "MCP");
  CHECK(tools[0].gateway_id == "g1");
}

TEST_CASE("discovery writer: a taken name skips the item and is named in last_error",
          "[store][discovery]") {
  test::StoreFixture f;
  REQUIRE(create(*f.db, "g1", gateway("Up", "up")));
  store::RestToolWrite rest;
  rest.name = "up-echo";
  rest.input_schema = rest.annotations = rest.headers = "{}";
  rest.tags = "[]";
  rest.auth_type = "none";
  REQUIRE(f.db->tools().save("r1", true, [&](const auto&) { return store::ToolWrite(rest); }));
  auto r = f.db->discovery().store_discovery("g1", discovery);
  CHECK(r.tools == 1);
  CHECK(r.skipped == std::vector<std::string>{"tool echo: the name is already taken"});
  CHECK(f.db->gateways().find("g1")->last_error ==
        "not stored: tool echo: the name is already taken");
}

TEST_CASE("discovery writer: a deleted gateway writes nothing; status is recorded",
          "[store][discovery]") {
  test::StoreFixture f;
  bool asked = false;
  auto r = f.db->discovery().store_discovery("gone", [&](const std::string& s) {
    asked = true;
    return discovery(s);
  });
  CHECK_FALSE(r.gateway_found);
  CHECK_FALSE(asked);
  CHECK(f.db->tools().page({}).empty());

  REQUIRE(create(*f.db, "g1", gateway("Up", "up")));
  f.db->discovery().record_status("g1", "unreachable", "connection refused", false);
  auto g = f.db->gateways().find("g1");
  CHECK(g->status == "unreachable");
  CHECK(g->last_error == "connection refused");
  CHECK_FALSE(g->last_seen_at);
  f.db->discovery().record_status("g1", "healthy", "", true);
  g = f.db->gateways().find("g1");
  CHECK_FALSE(g->last_error);
  CHECK(g->last_seen_at);
}

TEST_CASE("catalog reader: enabled rows of every kind, servers and memberships",
          "[store][catalog]") {
  test::StoreFixture f;
  auto g = gateway("Up", "up");
  g.sealed_credentials = std::optional<std::string>(std::string("\0sealed", 7));
  REQUIRE(create(*f.db, "g1", g));
  f.db->discovery().store_discovery("g1", discovery);
  auto resources = f.db->resources().page({});
  REQUIRE(resources.size() == 2);
  REQUIRE(f.db->resources().set_enabled(resources[0].id, false));
  CHECK_FALSE(f.db->resources().set_enabled("nope", false));
  const auto tool_id = f.db->tools().page({})[0].id;
  REQUIRE(f.db->servers().save("s1", true, [&](const auto&, const auto&) {
    return std::optional<store::ServerWrite>(
        store::ServerWrite{"srv", "", true, "[]", {tool_id}, {}, {}});
  }));

  const store::CatalogRows rows = f.db->reader().read_catalog();
  REQUIRE(rows.gateways.size() == 1);
  CHECK(rows.gateways[0].slug == "up");
  CHECK(rows.gateways[0].headers == R"({"X-A":"1"})");
  CHECK(rows.gateways[0].sealed_credentials == std::string("\0sealed", 7));  // bytes intact
  CHECK(rows.gateways[0].timeout_ms == 5000);
  REQUIRE(rows.tools.size() == 2);
  for (const auto& t : rows.tools) {
    CHECK(t.integration_type == "MCP");
    CHECK(t.gateway_id == "g1");
    CHECK(t.definition);
  }
  CHECK(rows.resources.size() == 1);  // the other is disabled
  REQUIRE(rows.prompts.size() == 1);
  CHECK(rows.prompts[0].original_name == "greet");
  REQUIRE(rows.servers.size() == 1);
  CHECK(rows.servers[0].expose_original_names);
  CHECK(rows.memberships == std::vector<std::pair<std::string, std::string>>{{"s1", tool_id}});

  auto prompt = f.db->prompts().set_enabled(rows.prompts[0].id, false);
  REQUIRE(prompt);
  CHECK_FALSE(prompt->enabled);
  CHECK(f.db->reader().read_catalog().prompts.empty());
  f.db->ping();
}
