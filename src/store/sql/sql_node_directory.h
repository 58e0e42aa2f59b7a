#pragma once
// store::NodeDirectory on mcpgw's database (the nodes and node_messages tables). Written for
// both engines; only PostgreSQL has several nodes (store/open.h gives none for SQLite).
#include <memory>

#include "store/node_directory.h"
#include "store/sql/connection.h"

namespace mcpgw::store {

std::unique_ptr<NodeDirectory> make_node_directory(sql::Pool& pool);

}  // namespace mcpgw::store
