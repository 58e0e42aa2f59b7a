#pragma once
// Opens SQLite connections to mcpgw's database with the settings every connection needs. This is
// the SQLite engine's own header: only store/ includes it (sqlite_connection.cpp pools them).
#include <SQLiteCpp/Database.h>

#include <memory>
#include <string>

#include "store/database_options.h"
#include "store/errors.h"

namespace mcpgw::store {

// A UNIQUE or PRIMARY KEY constraint failed: the name (or key) is taken.
bool is_unique_violation(const SQLite::Exception& e);

// Opens (creating the file and its directory if needed) a read-write connection in WAL mode with
// foreign keys on and the busy timeout set. Throws DatabaseError with the path and cause.
std::unique_ptr<SQLite::Database> open_connection(const DatabaseOptions& opts);

}  // namespace mcpgw::store
