#pragma once
// The PostgreSQL ChangeFeed: NOTIFY through the pool, LISTEN on a connection of its own, read by
// one thread that waits on the connection's socket and reconnects with backoff when it breaks.
#include <memory>

#include "store/change_feed.h"
#include "store/database_options.h"
#include "store/sql/connection.h"

namespace mcpgw::store::postgres {

std::unique_ptr<ChangeFeed> make_change_feed(DatabaseOptions opts, sql::Pool& pool);

}  // namespace mcpgw::store::postgres
