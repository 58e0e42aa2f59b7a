#pragma once
// A migrated database in a temp directory with the SQLite engine's stores on it.
#include <memory>

#include "store/database.h"
#include "store/sqlite/sqlite_catalog_store.h"
#include "support/temp_dir.h"

namespace mcpgw::test {

struct StoreFixture {
  TempDir dir;
  store::DatabaseOptions opts{dir.file("t.db"), std::chrono::milliseconds(1000)};
  std::unique_ptr<store::ConnectionPool> pool;
  std::unique_ptr<store::SqliteCatalogStore> db;
  StoreFixture() {
    store::open_and_migrate(opts);
    pool = std::make_unique<store::ConnectionPool>(opts);
    db = std::make_unique<store::SqliteCatalogStore>(*pool);
  }
};

}  // namespace mcpgw::test
