#pragma once
// Opening mcpgw's database, whichever engine the options name: what app/ calls at start, and the
// only place that chooses an engine.
#include <memory>

#include "store/change_feed.h"
#include "store/database_options.h"
#include "store/migrations.h"
#include "store/node_directory.h"
#include "store/sql/connection.h"

namespace mcpgw::store {

// A pool of connections to the database (SQLite creates the file and its directory).
std::unique_ptr<sql::Pool> open_pool(const DatabaseOptions& opts);

// Creates the schema or brings it up to date, on a connection of its own. Nodes that start
// together on one PostgreSQL database migrate once: the others wait for the write lock and find
// nothing left to do. Throws MigrationError or DatabaseError.
MigrationReport migrate_database(const DatabaseOptions& opts);

// The feed between the nodes of one PostgreSQL database (publishing through pool); null for
// SQLite, which has one node.
std::unique_ptr<ChangeFeed> open_change_feed(const DatabaseOptions& opts, sql::Pool& pool);

// The heartbeats and mailboxes of the nodes of one PostgreSQL database (through pool); null for
// SQLite.
std::unique_ptr<NodeDirectory> open_node_directory(const DatabaseOptions& opts, sql::Pool& pool);

}  // namespace mcpgw::store
