#pragma once
// The SQLite engine's CatalogStore (the default), on a pool of connections to mcpgw's database.
#include <memory>

#include "store/catalog_store.h"

namespace mcpgw::store {

class ConnectionPool;

class SqliteCatalogStore final : public CatalogStore {
 public:
  explicit SqliteCatalogStore(ConnectionPool& pool);
  ~SqliteCatalogStore() override;
  SqliteCatalogStore(const SqliteCatalogStore&) = delete;
  SqliteCatalogStore& operator=(const SqliteCatalogStore&) = delete;

  CatalogReader& reader() override;
  DiscoveryWriter& discovery() override;
  ToolRepository& tools() override;
  ServerRepository& servers() override;
  GatewayRepository& gateways() override;
  ResourceRepository& resources() override;
  PromptRepository& prompts() override;
  void ping() override;

 private:
  struct Parts;
  ConnectionPool& pool_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace mcpgw::store
