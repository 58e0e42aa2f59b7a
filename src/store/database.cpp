#include "store/database.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <filesystem>


namespace mcpgw::store {

bool is_unique_violation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
         e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

std::unique_ptr<SQLite::Database> open_connection(const DatabaseOptions& opts) {
  try {
    const auto dir = std::filesystem::path(opts.path).parent_path();
    if (!dir.empty()) std::filesystem::create_directories(dir);
    auto db = std::make_unique<SQLite::Database>(
        opts.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX);
    db->setBusyTimeout(static_cast<int>(opts.busy_timeout.count()));
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=NORMAL");
    db->exec("PRAGMA foreign_keys=ON");
    return db;
  } catch (const std::exception& e) {
    throw DatabaseError("cannot open database " + opts.path + ": " + e.what());
  }
}

ConnectionPool::ConnectionPool(DatabaseOptions opts) : opts_(std::move(opts)) {}
ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(ConnectionPool& pool, std::unique_ptr<Pooled> conn)
    : pool_(&pool), conn_(std::move(conn)) {}
ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), conn_(std::move(other.conn_)) {}
ConnectionPool::Lease::~Lease() {
  if (conn_) pool_->release(std::move(conn_));
}

SQLite::Statement& ConnectionPool::Lease::prepare(const std::string& sql) {
  auto& slot = conn_->statements[sql];
  if (!slot) {
    slot = std::make_unique<SQLite::Statement>(*conn_->db, sql);
  } else {
    // tryReset, not reset: sqlite3_reset repeats the error of the statement's last step, and
    // reset() would throw it again here (a UNIQUE violation answered 409 once would answer
    // every later use of the statement on this connection with the same 409).
    slot->tryReset();
    slot->clearBindings();
  }
  return *slot;
}

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(conn));
    }
  }
  auto conn = std::make_unique<Pooled>();
  conn->db = open_connection(opts_);
  return Lease(*this, std::move(conn));
}

void ConnectionPool::release(std::unique_ptr<Pooled> conn) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(conn));
}

}  // namespace mcpgw::store
