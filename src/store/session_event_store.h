#pragma once
// An engine's durable sessions and events together: the writes of both are queued in one order,
// so that a session's removal and its events' erasure are applied as they were asked for.
#include "store/event_repository.h"
#include "store/session_repository.h"

namespace mcpgw::store {

class SessionEventStore : public SessionRepository, public EventRepository {
 public:
  // Returns once every write queued before the call is durable.
  virtual void flush() = 0;
};

}  // namespace mcpgw::store
