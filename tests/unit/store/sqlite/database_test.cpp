#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "store/database.h"
#include "store/open.h"
#include "support/temp_dir.h"

using namespace mcpgw;
using Catch::Matchers::Contains;

TEST_CASE("a migrated SQLite database is in WAL mode", "[database]") {
  test::TempDir dir;
  const store::DatabaseOptions opts{dir.file("m.db"), std::chrono::milliseconds(1000)};
  store::migrate_database(opts);
  auto db = store::open_connection(opts);
  SQLite::Statement mode(*db, "PRAGMA journal_mode");
  mode.executeStep();
  CHECK(mode.getColumn(0).getString() == "wal");
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
