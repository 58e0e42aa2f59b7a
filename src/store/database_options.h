#pragma once
// Where mcpgw's database is and how long a connection waits. Engine-neutral, so that layers
// above store/ can pass it on without the engine's headers: an empty url means SQLite at path.
#include <chrono>
#include <cstddef>
#include <string>

namespace mcpgw::store {

struct DatabaseOptions {
  DatabaseOptions() = default;
  DatabaseOptions(std::string sqlite_path, std::chrono::milliseconds busy)
      : path(std::move(sqlite_path)), busy_timeout(busy) {}

  std::string path;
  // SQLite: how long a statement waits for another connection's lock. PostgreSQL: how long a
  // caller waits for a pooled connection.
  std::chrono::milliseconds busy_timeout{5000};

  // PostgreSQL: a libpq connection URI (postgresql://user@host:port/dbname?...). Never logged as
  // given: describe() leaves its password out.
  std::string url;
  std::string password;  // from database.password_file or MCPGW_DATABASE_PASSWORD; "" none
  std::size_t pool_size = 8;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds statement_timeout{10000};

  bool postgresql() const { return !url.empty(); }
};

// The database for a log line: the SQLite path, or the PostgreSQL URI without its password.
std::string describe(const DatabaseOptions& opts);

}  // namespace mcpgw::store
