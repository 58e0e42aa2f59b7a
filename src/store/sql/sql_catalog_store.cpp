#include "store/sql/sql_catalog_store.h"

#include <boost/json.hpp>

#include "common/json_parse.h"
#include "store/sql/repositories.h"

namespace mcpgw::store {

struct SqlCatalogStore::Parts {
  explicit Parts(sql::Pool& pool)
      : reader(pool),
        discovery(pool),
        tools(pool),
        servers(pool),
        gateways(pool),
        resources(pool),
        prompts(pool),
        policies(pool) {}
  sql::SqlCatalogReader reader;
  sql::SqlDiscoveryWriter discovery;
  sql::SqlToolRepository tools;
  sql::SqlServerRepository servers;
  sql::SqlGatewayRepository gateways;
  sql::SqlResourceRepository resources;
  sql::SqlPromptRepository prompts;
  sql::SqlPolicyRepository policies;
};

SqlCatalogStore::SqlCatalogStore(sql::Pool& pool)
    : pool_(pool), parts_(std::make_unique<Parts>(pool)) {}
SqlCatalogStore::~SqlCatalogStore() = default;

CatalogReader& SqlCatalogStore::reader() {
  return parts_->reader;
}
DiscoveryWriter& SqlCatalogStore::discovery() {
  return parts_->discovery;
}
ToolRepository& SqlCatalogStore::tools() {
  return parts_->tools;
}
ServerRepository& SqlCatalogStore::servers() {
  return parts_->servers;
}
GatewayRepository& SqlCatalogStore::gateways() {
  return parts_->gateways;
}
ResourceRepository& SqlCatalogStore::resources() {
  return parts_->resources;
}
PromptRepository& SqlCatalogStore::prompts() {
  return parts_->prompts;
}
PolicyRepository& SqlCatalogStore::policies() {
  return parts_->policies;
}

void SqlCatalogStore::ping() {
  pool_.acquire()->query("SELECT 1");
}

namespace sql {

bool delete_by_id(Pool& pool, const std::string& statement, const std::string& id) {
  return pool.acquire()->exec(statement, {id}) == 1;
}

std::string to_json_array(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& s : items)
    a.emplace_back(s);
  return boost::json::serialize(a);
}

std::vector<std::string> from_json_array(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array())
    if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

}  // namespace sql
}  // namespace mcpgw::store
