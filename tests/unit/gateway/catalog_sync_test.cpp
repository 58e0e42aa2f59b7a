#include "gateway/catalog_sync.h"

#include <catch2/catch.hpp>

#include "support/store_fixture.h"

using namespace mcpgw;

namespace {

// A feed that records what was published and lets the test play other nodes' announcements.
struct FakeFeed : store::ChangeFeed {
  std::vector<std::pair<std::string, std::string>> published;
  Handler handler;
  void publish(const std::string& channel, const std::string& payload) override {
    published.emplace_back(channel, payload);
  }
  void subscribe(const std::string& channel, Handler h) override {
    CHECK(channel == "mcpgw_catalog");
    handler = std::move(h);
  }
  void start() override {}
  void stop() override {}
};

void add_tool(test::StoreFixture& f, const std::string& name) {
  f.pool->acquire()->exec(
      "INSERT INTO tools(id, name, original_name, integration_type, url, created_at, updated_at) "
      "VALUES(?, ?, ?, 'REST', 'http://127.0.0.1:9/x', 0, 0)",
      {"id-" + name, name, name});
}

bool has_tool(const gateway::CatalogService& c, const std::string& name) {
  for (const auto& t : c.current()->tools)
    if (t.key == name) return true;
  return false;
}

}  // namespace

TEST_CASE("catalog sync: a write here republishes and tells the other nodes", "[catalog][sync]") {
  test::StoreFixture f;
  gateway::CatalogService catalog;
  FakeFeed feed;
  gateway::CatalogSync sync(f.db->reader(), catalog, "key", &feed, "node-a");
  sync.reload();
  add_tool(f, "t1");
  sync.republish();
  CHECK(has_tool(catalog, "t1"));
  REQUIRE(feed.published.size() == 1);
  CHECK(feed.published[0] == std::pair<std::string, std::string>{"mcpgw_catalog", "node-a"});
}

TEST_CASE("catalog sync: another node's change reloads here, this node's own does not",
          "[catalog][sync]") {
  test::StoreFixture f;
  gateway::CatalogService catalog;
  FakeFeed feed;
  gateway::CatalogSync sync(f.db->reader(), catalog, "key", &feed, "node-a");
  sync.reload();
  sync.start();
  REQUIRE(feed.handler);
  const auto version = catalog.current()->version;
  add_tool(f, "t2");
  feed.handler("mcpgw_catalog", "node-a");  // its own: already published when it wrote
  CHECK(catalog.current()->version == version);
  feed.handler("mcpgw_catalog", "node-b");
  CHECK(catalog.current()->version == version + 1);
  CHECK(has_tool(catalog, "t2"));
  feed.handler("mcpgw_catalog", "");  // the feed (re)connected: catch up
  CHECK(catalog.current()->version == version + 2);
}

TEST_CASE("catalog sync without a feed (one node) only republishes", "[catalog][sync]") {
  test::StoreFixture f;
  gateway::CatalogService catalog;
  gateway::CatalogSync sync(f.db->reader(), catalog, "key", nullptr, "solo");
  sync.start();
  add_tool(f, "t3");
  sync.republish();
  CHECK(has_tool(catalog, "t3"));
}
