#pragma once
// A migrated database with the catalog stores on it: SQLite in a temp directory, or, when
// MCPGW_TEST_POSTGRES_URL names a PostgreSQL database, a schema of its own there (created for
// the fixture, dropped after), so that the store's tests hold for both engines.
#include <memory>
#include <string>

#include "store/database_options.h"
#include "store/sql/connection.h"
#include "store/sql/sql_catalog_store.h"
#include "support/temp_dir.h"

namespace mcpgw::test {

// The options of a fresh, empty database of the engine under test (see above); drop_schema
// undoes it for PostgreSQL.
struct TestDatabase {
  TempDir dir;
  store::DatabaseOptions opts;
  std::string schema;  // PostgreSQL only
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
};

struct StoreFixture : TestDatabase {
  std::unique_ptr<store::sql::Pool> pool;
  std::unique_ptr<store::SqlCatalogStore> db;
  StoreFixture();
  ~StoreFixture();
};

}  // namespace mcpgw::test
