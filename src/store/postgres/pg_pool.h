#pragma once
// The PostgreSQL engine behind store/sql/connection.h, through libpq: connections to one
// database, each keeping its prepared statements, in a bounded pool.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "store/database_options.h"
#include "store/sql/connection.h"

struct pg_conn;  // libpq's PGconn

namespace mcpgw::store::postgres {

// A libpq connection with mcpgw's settings (below); the caller PQfinish()es it.
pg_conn* open_pgconn(const DatabaseOptions& opts);

// Opens one connection (TCP keepalives and user timeout set, statement_timeout applied). Throws
// DatabaseError naming the database (never its password) and libpq's reason.
std::unique_ptr<sql::Connection> connect(const DatabaseOptions& opts);

class PgPool final : public sql::Pool {
 public:
  explicit PgPool(DatabaseOptions opts);
  ~PgPool() override;
  sql::Engine engine() const override { return sql::Engine::postgresql; }
  // An idle connection, a new one while fewer than pool_size are open, else waits up to
  // busy_timeout for one to come back. Throws DatabaseError when none can be had.
  Lease acquire() override;

 private:
  void release(std::unique_ptr<sql::Connection> c) override;
  DatabaseOptions opts_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::deque<std::unique_ptr<sql::Connection>> idle_;
  std::size_t open_ = 0;  // leased + idle + being opened
};

}  // namespace mcpgw::store::postgres
