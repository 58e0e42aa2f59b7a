#include <SQLiteCpp/SQLiteCpp.h>

#include <catch2/catch.hpp>

#include "store/database.h"
#include "support/temp_dir.h"

using namespace mcpgw;

TEST_CASE("a cached statement that failed is usable again", "[store]") {
  test::TempDir dir;
  store::ConnectionPool pool({dir.file("t.db"), std::chrono::milliseconds(1000)});
  auto conn = pool.acquire();
  conn->exec("CREATE TABLE t(name TEXT UNIQUE)");
  const std::string sql = "INSERT INTO t(name) VALUES(?)";
  auto& q = conn.prepare(sql);
  q.bind(1, "a");
  q.exec();
  auto& again = conn.prepare(sql);
  again.bind(1, "a");
  CHECK_THROWS_AS(again.exec(), SQLite::Exception);
  // The next use must not see the old constraint error.
  auto& next = conn.prepare(sql);
  next.bind(1, "b");
  CHECK(next.exec() == 1);
}
