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

}  // namespace mcpgw::store
