#pragma once
// The store's options from the configuration: the one place that reads the PostgreSQL password
// (database.password, database.password_file).
#include "config/config.h"
#include "store/database_options.h"

namespace mcpgw::app {

// Throws std::runtime_error naming the password file when it cannot be read.
store::DatabaseOptions database_options(const config::Config& cfg);

}  // namespace mcpgw::app
