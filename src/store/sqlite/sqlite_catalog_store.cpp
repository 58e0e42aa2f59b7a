#include "store/sqlite/sqlite_catalog_store.h"

#include "store/sqlite/repositories.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store {

struct SqliteCatalogStore::Parts {
  explicit Parts(ConnectionPool& pool)
      : reader(pool),
        discovery(pool),
        tools(pool),
        servers(pool),
        gateways(pool),
        resources(pool),
        prompts(pool) {}
  sqlite::SqliteCatalogReader reader;
  sqlite::SqliteDiscoveryWriter discovery;
  sqlite::SqliteToolRepository tools;
  sqlite::SqliteServerRepository servers;
  sqlite::SqliteGatewayRepository gateways;
  sqlite::SqliteResourceRepository resources;
  sqlite::SqlitePromptRepository prompts;
};

SqliteCatalogStore::SqliteCatalogStore(ConnectionPool& pool)
    : pool_(pool), parts_(std::make_unique<Parts>(pool)) {}
SqliteCatalogStore::~SqliteCatalogStore() = default;

CatalogReader& SqliteCatalogStore::reader() {
  return parts_->reader;
}
DiscoveryWriter& SqliteCatalogStore::discovery() {
  return parts_->discovery;
}
ToolRepository& SqliteCatalogStore::tools() {
  return parts_->tools;
}
ServerRepository& SqliteCatalogStore::servers() {
  return parts_->servers;
}
GatewayRepository& SqliteCatalogStore::gateways() {
  return parts_->gateways;
}
ResourceRepository& SqliteCatalogStore::resources() {
  return parts_->resources;
}
PromptRepository& SqliteCatalogStore::prompts() {
  return parts_->prompts;
}

void SqliteCatalogStore::ping() {
  sqlite::translated([&] {
    auto conn = pool_.acquire();
    SQLite::Statement q(*conn, "SELECT 1");
    q.executeStep();
  });
}

namespace sqlite {

bool delete_by_id(ConnectionPool& pool, const std::string& sql, const std::string& id) {
  return translated([&] {
    auto conn = pool.acquire();
    auto& q = conn.prepare(sql);
    q.bind(1, id);
    return q.exec() == 1;
  });
}

}  // namespace sqlite
}  // namespace mcpgw::store
