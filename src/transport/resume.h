#pragma once
// Where a GET on a session's endpoint starts: the stream and position its Last-Event-ID names,
// or the session's GET stream from now, and what the client must be told when the events it
// asks for are no longer kept.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "transport/session.h"

namespace mcpgw::transport {

struct Resume {
  std::shared_ptr<Stream> stream;
  std::uint64_t after = 0;
  // The session's GET stream from now (no Last-Event-ID, or one that names nothing here).
  bool fresh = false;
  // The stream has ended and nothing is left to replay (the GET is answered 405).
  bool ended = false;
  // Set when the id named something this node cannot replay: a lost_events_notice to send first.
  std::string notice;
};

// Blocking when the session's store is shared (it catches the stream up from the database
// first): run it off the I/O threads then.
Resume resolve_resume(Session& session, std::optional<std::string_view> last_event_id);

}  // namespace mcpgw::transport
