#include "support/store_fixture.h"

#include <cstdlib>

#include "common/crypto.h"
#include "store/open.h"

namespace mcpgw::test {

TestDatabase::TestDatabase() {
  opts.path = dir.file("t.db");
  opts.busy_timeout = std::chrono::milliseconds(1000);
  const char* url = std::getenv("MCPGW_TEST_POSTGRES_URL");
  if (!url || !*url) return;
  schema = "t_" + crypto::random_hex(8);
  store::DatabaseOptions admin = opts;
  admin.url = url;
  store::open_pool(admin)->acquire()->exec_script("CREATE SCHEMA " + schema);
  opts.url = std::string(url) + (std::string(url).find('?') == std::string::npos ? "?" : "&") +
             "options=-csearch_path%3D" + schema;
}

TestDatabase::~TestDatabase() {
  if (schema.empty()) return;
  store::DatabaseOptions admin = opts;
  admin.url = std::getenv("MCPGW_TEST_POSTGRES_URL");
  try {
    store::open_pool(admin)->acquire()->exec_script("DROP SCHEMA " + schema + " CASCADE");
  } catch (const std::exception&) {
    // Left behind in a throwaway test cluster; nothing to fail here.
  }
}

StoreFixture::StoreFixture() {
  store::migrate_database(opts);
  pool = store::open_pool(opts);
  db = std::make_unique<store::SqlCatalogStore>(*pool);
}

StoreFixture::~StoreFixture() {
  db.reset();
  pool.reset();  // its connections closed before the schema goes
}

}  // namespace mcpgw::test
