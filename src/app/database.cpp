#include "app/database.h"

#include "common/secret_file.h"

namespace mcpgw::app {

store::DatabaseOptions database_options(const config::Config& cfg) {
  store::DatabaseOptions o;
  o.path = cfg.database.path;
  o.busy_timeout = cfg.database.busy_timeout;
  o.url = cfg.database.url;
  o.password = cfg.database.password;
  if (!cfg.database.password_file.empty())
    o.password = secret_file::read(cfg.database.password_file, 1);
  o.pool_size = cfg.database.pool_size;
  o.connect_timeout = cfg.database.connect_timeout;
  o.statement_timeout = cfg.database.statement_timeout;
  return o;
}

}  // namespace mcpgw::app
