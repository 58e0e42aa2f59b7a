#include "store/migrations.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "store/database.h"
#include "support/temp_dir.h"

using namespace mcpgw;
using Catch::Matchers::Contains;

namespace {
int table_count(SQLite::Database& db) {
  SQLite::Statement q(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
  q.executeStep();
  return q.getColumn(0).getInt();
}
}  // namespace

TEST_CASE("embedded migrations are ordered and numbered without gaps", "[migrations]") {
  const auto& all = store::embedded_migrations();
  REQUIRE_FALSE(all.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    CHECK(all[i].version == static_cast<int>(i + 1));
    CHECK_FALSE(all[i].sql.empty());
  }
}

TEST_CASE("a fresh database gets the whole schema", "[migrations]") {
  test::TempDir dir;
  auto db = store::open_connection({dir.file("m.db"), std::chrono::milliseconds(1000)});
  auto report = store::migrate(*db, store::embedded_migrations());
  CHECK(report.from_version == 0);
  CHECK(report.to_version == store::embedded_migrations().back().version);
  CHECK(report.applied.size() == store::embedded_migrations().size());
  for (const char* t :
       {"schema_version", "tools", "gateways", "servers", "server_tools", "server_resources",
        "server_prompts", "resources", "prompts", "api_tokens", "sessions", "events"}) {
    INFO(t);
    CHECK(db->tableExists(t));
  }
  SQLite::Statement mode(*db, "PRAGMA journal_mode");
  mode.executeStep();
  CHECK(mode.getColumn(0).getString() == "wal");
}

TEST_CASE("running migrations again changes nothing", "[migrations]") {
  test::TempDir dir;
  auto db = store::open_connection({dir.file("m.db"), std::chrono::milliseconds(1000)});
  store::migrate(*db, store::embedded_migrations());
  const int tables = table_count(*db);
  auto again = store::migrate(*db, store::embedded_migrations());
  CHECK(again.applied.empty());
  CHECK(again.from_version == again.to_version);
  CHECK(table_count(*db) == tables);
}

TEST_CASE("a database newer than the binary is refused and left alone", "[migrations]") {
  test::TempDir dir;
  auto db = store::open_connection({dir.file("m.db"), std::chrono::milliseconds(1000)});
  store::migrate(*db, store::embedded_migrations());
  db->exec(
      "INSERT INTO schema_version(version, name, applied_at) VALUES (999, '0999_future.sql', 0)");
  const int tables = table_count(*db);
  CHECK_THROWS_WITH(store::migrate(*db, store::embedded_migrations()),
                    Contains("999") && Contains("newer"));
  CHECK(store::schema_version(*db) == 999);
  CHECK(table_count(*db) == tables);
}

TEST_CASE("a failing migration applies nothing at all", "[migrations]") {
  test::TempDir dir;
  auto db = store::open_connection({dir.file("m.db"), std::chrono::milliseconds(1000)});
  std::vector<store::Migration> ms = {
      {1, "0001_good.sql", "CREATE TABLE a (x INTEGER);"},
      {2, "0002_bad.sql", "CREATE TABLE b (x INTEGER); THIS IS NOT SQL;"},
  };
  CHECK_THROWS_WITH(store::migrate(*db, ms),
                    Contains("0002_bad.sql") && Contains("nothing was changed"));
  CHECK_FALSE(db->tableExists("a"));
  CHECK_FALSE(db->tableExists("b"));
  CHECK(store::schema_version(*db) == 0);
  // With the bad one fixed, both apply.
  ms[1].sql = "CREATE TABLE b (x INTEGER);";
  auto report = store::migrate(*db, ms);
  CHECK(report.applied == std::vector<std::string>{"0001_good.sql", "0002_bad.sql"});
  CHECK(db->tableExists("a"));
}

TEST_CASE("an unopenable database path is a clear error", "[database]") {
  test::TempDir dir;
  std::ofstream(dir.file("file")) << "x";
  CHECK_THROWS_WITH(
      store::open_connection({dir.file("file/sub/m.db"), std::chrono::milliseconds(10)}),
      Contains("cannot open database") && Contains("file/sub/m.db"));
}

TEST_CASE("pooled connections reuse prepared statements with fresh bindings", "[database]") {
  test::TempDir dir;
  store::ConnectionPool pool({dir.file("p.db"), std::chrono::milliseconds(1000)});
  {
    auto db = pool.acquire();
    db->exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
    db->exec("INSERT INTO t VALUES ('a', 1), ('b', 2)");
  }
  const std::string sql = "SELECT v FROM t WHERE k = ?";
  SQLite::Statement* first = nullptr;
  {
    auto db = pool.acquire();
    auto& q = db.prepare(sql);
    first = &q;
    q.bind(1, "a");
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getInt() == 1);
  }
  {
    auto db = pool.acquire();  // the same connection comes back
    auto& q = db.prepare(sql);
    CHECK(&q == first);
    q.bind(1, "b");
    REQUIRE(q.executeStep());
    CHECK(q.getColumn(0).getInt() == 2);
  }
  {
    auto db = pool.acquire();
    auto& q = db.prepare(sql);
    CHECK_FALSE(q.executeStep());  // bindings were cleared: k = NULL matches nothing
  }
}
