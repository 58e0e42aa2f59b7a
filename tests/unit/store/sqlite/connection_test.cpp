#include "store/sqlite/sqlite_connection.h"

#include <catch2/catch.hpp>

#include "support/temp_dir.h"

using namespace mcpgw;

TEST_CASE("a cached statement that failed is usable again", "[store]") {
  test::TempDir dir;
  store::sqlite::SqlitePool pool({dir.file("t.db"), std::chrono::milliseconds(1000)});
  auto conn = pool.acquire();
  conn->exec_script("CREATE TABLE t(name TEXT UNIQUE)");
  const std::string sql = "INSERT INTO t(name) VALUES(?)";
  conn->exec(sql, {"a"});
  CHECK_THROWS_AS(conn->exec(sql, {"a"}), store::Conflict);
  // The next use must not see the old constraint error.
  CHECK(conn->exec(sql, {"b"}) == 1);
}

TEST_CASE("pooled connections reuse prepared statements with fresh bindings", "[database]") {
  test::TempDir dir;
  store::sqlite::SqlitePool pool({dir.file("p.db"), std::chrono::milliseconds(1000)});
  {
    auto db = pool.acquire();
    db->exec_script("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
    db->exec_script("INSERT INTO t VALUES ('a', 1), ('b', 2)");
  }
  const std::string sql = "SELECT v FROM t WHERE k = ?";
  {
    auto db = pool.acquire();
    const auto rows = db->query(sql, {"a"});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].integer("v") == 1);
  }
  {
    auto db = pool.acquire();  // the same connection comes back
    const auto rows = db->query(sql, {"b"});
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].integer("v") == 2);
  }
  {
    auto db = pool.acquire();
    CHECK(db->query(sql).empty());  // bindings were cleared: k = NULL matches nothing
  }
}
