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
