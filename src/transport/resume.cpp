#include "transport/resume.h"

#include "transport/wire.h"

namespace mcpgw::transport {

Resume resolve_resume(Session& session, std::optional<std::string_view> last_event_id) {
  Resume r;
  auto& store = session.store();
  if (last_event_id) {
    auto id = parse_event_id(*last_event_id);
    // Only this session's own streams: an id from another session replays nothing (and is not
    // told anything about it).
    if (id && id->session_id == session.id()) {
      auto stream = id->stream == 0 ? session.standalone() : session.stream(id->stream);
      if (stream) store.catch_up(stream->key());
      if (stream && id->seq <= stream->last_seq()) {
        r.stream = std::move(stream);
        r.after = id->seq;
        r.ended = r.stream->finished() && r.after >= r.stream->last_seq();
        return r;
      }
      // A stream this node's store no longer has, or an id beyond its events.
      r.notice = lost_events_notice(
          *last_event_id,
          "The stream of the Last-Event-ID is no longer kept, or never had that event; this is "
          "the session's GET stream from now on",
          {{"stream", id->stream}});
    }
  }
  r.stream = session.standalone();
  store.catch_up(r.stream->key());
  r.after = r.stream->last_seq();
  r.fresh = true;
  return r;
}

}  // namespace mcpgw::transport
