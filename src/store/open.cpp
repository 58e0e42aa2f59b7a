#include "store/open.h"

#include "store/sql/sql_node_directory.h"

#include "store/database.h"
#include "store/postgres/pg_change_feed.h"
#include "store/postgres/pg_pool.h"
#include "store/sqlite/sqlite_connection.h"

namespace mcpgw::store {

std::string describe(const DatabaseOptions& opts) {
  if (!opts.postgresql()) return opts.path;
  // postgresql://user:secret@host/db -> postgresql://user@host/db; a password=... query
  // parameter goes the same way.
  std::string url = opts.url;
  const auto scheme = url.find("://");
  const auto at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos) {
    const auto colon = url.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) url.erase(colon, at - colon);
  }
  for (auto p = url.find("password="); p != std::string::npos; p = url.find("password=", p + 1)) {
    const auto end = url.find_first_of("& ", p);
    url.replace(p, (end == std::string::npos ? url.size() : end) - p, "password=***");
  }
  return url;
}

std::unique_ptr<sql::Pool> open_pool(const DatabaseOptions& opts) {
  if (opts.postgresql()) return std::make_unique<postgres::PgPool>(opts);
  return std::make_unique<sqlite::SqlitePool>(opts);
}

MigrationReport migrate_database(const DatabaseOptions& opts) {
  auto pool = open_pool(opts);
  auto conn = pool->acquire();
  return migrate(*conn, embedded_migrations(pool->engine()));
}

std::unique_ptr<ChangeFeed> open_change_feed(const DatabaseOptions& opts, sql::Pool& pool) {
  if (!opts.postgresql()) return nullptr;
  return postgres::make_change_feed(opts, pool);
}

std::unique_ptr<NodeDirectory> open_node_directory(const DatabaseOptions& opts, sql::Pool& pool) {
  if (!opts.postgresql()) return nullptr;
  return make_node_directory(pool);
}

}  // namespace mcpgw::store
