#pragma once
// The SQLite engine behind store/sql/connection.h: connections to mcpgw's database file, each
// keeping its prepared statements, and a pool that hands each thread its own.
#include <memory>
#include <mutex>
#include <vector>

#include "store/database_options.h"
#include "store/sql/connection.h"

namespace mcpgw::store::sqlite {

class SqlitePool final : public sql::Pool {
 public:
  explicit SqlitePool(DatabaseOptions opts);
  ~SqlitePool() override;
  sql::Engine engine() const override { return sql::Engine::sqlite; }
  // Never waits: a new connection when none is idle (SQLite's own locks serialize writers).
  Lease acquire() override;

 private:
  void release(std::unique_ptr<sql::Connection> c) override;
  DatabaseOptions opts_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<sql::Connection>> idle_;
};

}  // namespace mcpgw::store::sqlite
