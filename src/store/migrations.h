#pragma once
// The database schema, as numbered migrations per engine (migrations/<engine>/NNNN_name.sql,
// compiled into the binary), and the code that applies them.
#include <stdexcept>
#include <string>
#include <vector>

#include "store/sql/connection.h"

namespace mcpgw::store {

struct Migration {
  int version;
  std::string name;  // file name, e.g. "0001_initial.sql"
  std::string sql;
};

// migrations/<engine>/*.sql, ordered by version.
const std::vector<Migration>& embedded_migrations(sql::Engine engine);

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;  // names, in order
};

// Brings db up to the newest of `migrations` in one write transaction: all pending migrations
// apply or none does, and two processes migrating at once (nodes starting together) serialize on
// the write lock, so that the second finds nothing left to do. A database whose schema_version is
// newer than the newest known migration is refused. Throws MigrationError (db then unchanged).
MigrationReport migrate(sql::Connection& db, const std::vector<Migration>& migrations);

// The schema_version of db (0 for a database never migrated).
int schema_version(sql::Connection& db);

}  // namespace mcpgw::store
