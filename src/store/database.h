#pragma once
// Opens SQLite connections to mcpgw's database with the settings every connection needs. This is
// the SQLite engine's own header: only store/ includes it (and app/ to open and migrate).
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/database_options.h"
#include "store/errors.h"

namespace mcpgw::store {

// A UNIQUE or PRIMARY KEY constraint failed: the name (or key) is taken.
bool is_unique_violation(const SQLite::Exception& e);

// Opens (creating the file and its directory if needed) a read-write connection in WAL mode with
// foreign keys on and the busy timeout set. Throws DatabaseError with the path and cause.
std::unique_ptr<SQLite::Database> open_connection(const DatabaseOptions& opts);

// A small pool of connections. SQLite connections must not be used by two threads at once; the
// pool hands each caller its own. The lock is held only to pop or push a pointer. Each connection
// keeps its prepared statements, so a hot query is parsed once per connection, not per call.
class ConnectionPool {
 public:
  explicit ConnectionPool(DatabaseOptions opts);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  struct Pooled {
    std::unique_ptr<SQLite::Database> db;
    std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements;
  };

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Pooled> conn);
    Lease(Lease&&) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    SQLite::Database& operator*() const { return *conn_->db; }
    SQLite::Database* operator->() const { return conn_->db.get(); }
    // The cached statement for sql on this connection, reset and with bindings cleared.
    SQLite::Statement& prepare(const std::string& sql);

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Pooled> conn_;
  };

  Lease acquire();

 private:
  void release(std::unique_ptr<Pooled> conn);

  DatabaseOptions opts_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Pooled>> idle_;
};

}  // namespace mcpgw::store
