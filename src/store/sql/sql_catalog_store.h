#pragma once
// The CatalogStore of every engine: the repositories of store/sql/ on a pool of connections to
// mcpgw's database (SQLite or PostgreSQL).
#include <memory>

#include "store/catalog_store.h"

namespace mcpgw::store {
namespace sql {
class Pool;
}

class SqlCatalogStore final : public CatalogStore {
 public:
  explicit SqlCatalogStore(sql::Pool& pool);
  ~SqlCatalogStore() override;
  SqlCatalogStore(const SqlCatalogStore&) = delete;
  SqlCatalogStore& operator=(const SqlCatalogStore&) = delete;

  CatalogReader& reader() override;
  DiscoveryWriter& discovery() override;
  ToolRepository& tools() override;
  ServerRepository& servers() override;
  GatewayRepository& gateways() override;
  ResourceRepository& resources() override;
  PromptRepository& prompts() override;
  PolicyRepository& policies() override;
  void ping() override;

 private:
  struct Parts;
  sql::Pool& pool_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace mcpgw::store
