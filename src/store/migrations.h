#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace mcpgw::store {

struct Migration {
  int version;
  std::string name;  // file name, e.g. "0001_initial.sql"
  std::string sql;
};

// migrations/*.sql, ordered by version; compiled into the binary.
const std::vector<Migration>& embedded_migrations();

class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MigrationReport {
  int from_version = 0;
  int to_version = 0;
  std::vector<std::string> applied;  // names, in order
};

// Brings db up to the newest of `migrations` in one transaction: all pending migrations apply or
// none does. A database whose schema_version is newer than the newest known migration is refused.
// Throws MigrationError (the database is then unchanged).
MigrationReport migrate(SQLite::Database& db, const std::vector<Migration>& migrations);

// The schema_version of db (0 for a database never migrated).
int schema_version(SQLite::Database& db);

}  // namespace mcpgw::store
