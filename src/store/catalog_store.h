#pragma once
// Everything the catalog layers (gateway/, admin/) keep in the database, behind one object an
// engine implements (SqliteCatalogStore; PostgreSQL later). Callers hold a CatalogStore& and
// never see the engine: no SQL, no engine types, only the store's own errors (store/errors.h).
#include "store/catalog_reader.h"
#include "store/discovery_writer.h"
#include "store/errors.h"
#include "store/gateway_repository.h"
#include "store/policy_repository.h"
#include "store/prompt_repository.h"
#include "store/resource_repository.h"
#include "store/server_repository.h"
#include "store/tool_repository.h"

namespace mcpgw::store {

class CatalogStore {
 public:
  virtual ~CatalogStore() = default;
  virtual CatalogReader& reader() = 0;
  virtual DiscoveryWriter& discovery() = 0;
  virtual ToolRepository& tools() = 0;
  virtual ServerRepository& servers() = 0;
  virtual GatewayRepository& gateways() = 0;
  virtual ResourceRepository& resources() = 0;
  virtual PromptRepository& prompts() = 0;
  virtual PolicyRepository& policies() = 0;
  // Returns when the database answers a trivial query; throws DatabaseError otherwise (/ready).
  virtual void ping() = 0;
};

}  // namespace mcpgw::store
