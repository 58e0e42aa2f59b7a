#pragma once
// Durable sessions and events in mcpgw's database (SQLite or PostgreSQL): one writer thread
// applies the queued writes of both in order, in batches of one transaction each (group commit);
// reads use pooled connections of their own. Rows older than max_age are deleted once a minute.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

#include "store/database_options.h"
#include "store/session_event_store.h"

namespace mcpgw::store {

// max_queue bounds the writes waiting for the disk (a write then waits for room). prunes_here,
// when given, says whether this node does the retention now (several nodes: one does). Throws
// DatabaseError when the database does not open.
std::unique_ptr<SessionEventStore> make_session_event_store(DatabaseOptions db,
                                                            std::chrono::milliseconds max_age,
                                                            std::size_t max_queue,
                                                            std::function<bool()> prunes_here = {});

}  // namespace mcpgw::store
