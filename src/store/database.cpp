#include "store/database.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>

#include "store/migrations.h"

namespace mcpgw::store {

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

void open_and_migrate(const DatabaseOptions& opts) {
  auto db = open_connection(opts);
  migrate(*db, embedded_migrations());
}

ConnectionPool::ConnectionPool(DatabaseOptions opts) : opts_(std::move(opts)) {}
ConnectionPool::~ConnectionPool() = default;

ConnectionPool::Lease::Lease(ConnectionPool& pool, std::unique_ptr<SQLite::Database> db)
    : pool_(&pool), db_(std::move(db)) {}
ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), db_(std::move(other.db_)) {}
ConnectionPool::Lease::~Lease() {
  if (db_) pool_->release(std::move(db_));
}

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
  }
  return Lease(*this, open_connection(opts_));
}

void ConnectionPool::release(std::unique_ptr<SQLite::Database> db) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(db));
}

}  // namespace mcpgw::store
