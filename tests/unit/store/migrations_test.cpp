#include "store/migrations.h"

#include <catch2/catch.hpp>
#include <thread>

#include "store/open.h"
#include "support/store_fixture.h"

using namespace mcpgw;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> tables(store::sql::Connection& db) {
  const auto rows =
      db.query(db.engine() == store::sql::Engine::sqlite
                   ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                   : "SELECT table_name AS name FROM information_schema.tables "
                     "WHERE table_schema = current_schema() ORDER BY table_name");
  return rows.map([](const store::sql::Rows::Row& r) { return r.text("name"); });
}

bool has_table(store::sql::Connection& db, const std::string& t) {
  const auto all = tables(db);
  return std::find(all.begin(), all.end(), t) != all.end();
}

}  // namespace

TEST_CASE("embedded migrations are ordered and numbered without gaps, alike per engine",
          "[migrations]") {
  const auto& lite = store::embedded_migrations(store::sql::Engine::sqlite);
  const auto& pg = store::embedded_migrations(store::sql::Engine::postgresql);
  REQUIRE_FALSE(lite.empty());
  REQUIRE(pg.size() == lite.size());
  for (std::size_t i = 0; i < lite.size(); ++i) {
    CHECK(lite[i].version == static_cast<int>(i + 1));
    CHECK(pg[i].name == lite[i].name);
    CHECK_FALSE(lite[i].sql.empty());
    CHECK_FALSE(pg[i].sql.empty());
  }
}

TEST_CASE("a fresh database gets the whole schema", "[migrations]") {
  test::TestDatabase t;
  auto pool = store::open_pool(t.opts);
  auto db = pool->acquire();
  const auto& all = store::embedded_migrations(pool->engine());
  auto report = store::migrate(*db, all);
  CHECK(report.from_version == 0);
  CHECK(report.to_version == all.back().version);
  CHECK(report.applied.size() == all.size());
  for (const char* name :
       {"schema_version", "tools", "gateways", "servers", "server_tools", "server_resources",
        "server_prompts", "resources", "prompts", "api_tokens", "sessions", "events"}) {
    INFO(name);
    CHECK(has_table(*db, name));
  }
}

TEST_CASE("running migrations again changes nothing", "[migrations]") {
  test::TestDatabase t;
  auto pool = store::open_pool(t.opts);
  auto db = pool->acquire();
  const auto& all = store::embedded_migrations(pool->engine());
  store::migrate(*db, all);
  const auto before = tables(*db);
  auto again = store::migrate(*db, all);
  CHECK(again.applied.empty());
  CHECK(again.from_version == again.to_version);
  CHECK(tables(*db) == before);
}

TEST_CASE("nodes that migrate at once apply each migration once", "[migrations]") {
  test::TestDatabase t;
  std::vector<store::MigrationReport> reports(4);
  std::vector<std::thread> nodes;
  for (auto& r : reports)
    nodes.emplace_back([&t, &r] { r = store::migrate_database(t.opts); });
  for (auto& n : nodes)
    n.join();
  std::size_t applied = 0;
  for (const auto& r : reports)
    applied += r.applied.size();
  auto pool = store::open_pool(t.opts);
  const auto& all = store::embedded_migrations(pool->engine());
  CHECK(applied == all.size());
  auto db = pool->acquire();
  CHECK(db->query("SELECT COUNT(*) AS n FROM schema_version")[0].integer("n") ==
        static_cast<std::int64_t>(all.size()));
}

TEST_CASE("a database newer than the binary is refused and left alone", "[migrations]") {
  test::TestDatabase t;
  auto pool = store::open_pool(t.opts);
  auto db = pool->acquire();
  const auto& all = store::embedded_migrations(pool->engine());
  store::migrate(*db, all);
  db->exec(
      "INSERT INTO schema_version(version, name, applied_at) VALUES (999, '0999_future.sql', 0)");
  const auto before = tables(*db);
  CHECK_THROWS_WITH(store::migrate(*db, all), Contains("999") && Contains("newer"));
  CHECK(store::schema_version(*db) == 999);
  CHECK(tables(*db) == before);
}

TEST_CASE("a failing migration applies nothing at all", "[migrations]") {
  test::TestDatabase t;
  auto pool = store::open_pool(t.opts);
  auto db = pool->acquire();
  std::vector<store::Migration> ms = {
      {1, "0001_good.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_bad.sql", "CREATE TABLE b (x INTEGER); THIS IS NOT SQL;"},
  };
  CHECK_THROWS_WITH(store::migrate(*db, ms),
                    Contains("0002_bad.sql") && Contains("nothing was changed"));
  CHECK_FALSE(has_table(*db, "a"));
  CHECK_FALSE(has_table(*db, "b"));
  CHECK(store::schema_version(*db) == 0);
  // With the bad one fixed, both apply.
  ms[1].sql = "CREATE TABLE b (x INTEGER);";
  auto report = store::migrate(*db, ms);
  CHECK(report.applied == std::vector<std::string>{"0001_good.sql", "0002_bad.sql"});
  CHECK(has_table(*db, "a"));
}
