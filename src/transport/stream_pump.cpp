#include "transport/stream_pump.h"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>

#include "transport/event_store.h"
#include "transport/wire.h"

namespace mcpgw::transport {
namespace {
constexpr std::size_t kReadBatch = 64;
// The retry hint of priming events: how soon a client whose stream closed polls back.
constexpr int kRetryMs = 1000;
}  // namespace

bool StreamOutbound::send(boost::json::object message) {
  return stream_->append(boost::json::serialize(message)) != 0;
}

bool StreamOutbound::send_text(std::string message) {
  return stream_->append(std::move(message)) != 0;
}

boost::asio::awaitable<bool> pump(http::ResponseStream& rs, Stream& stream, std::uint64_t after,
                                  const std::optional<std::string>& priming_id,
                                  const PumpOptions& o) {
  const auto token = stream.attach(rs.waker());
  bool drained = false;
  // Not even the stream's id before the store knows the stream (a shared store's record).
  while (!stream.recorded() && stream.is_reader(token) && !rs.closing())
    co_await rs.wait(o.keepalive);
  if (priming_id) {
    const std::string priming = sse_priming(*priming_id, kRetryMs);
    if (!co_await rs.write(priming)) {
      stream.detach(token);
      co_return false;
    }
  }
  for (;;) {
    // On shutdown the standalone stream ends at once (the client resumes elsewhere); a POST
    // stream is an in-flight request and is let finish (the drain's grace bounds it).
    if (!stream.is_reader(token) || (rs.closing() && stream.number() == 0)) break;
    // Durable first: what a client was sent, it can always resume from (event_store.h).
    const auto durable = stream.durable_seq();
    auto events = stream.store().read_after(stream.key(), after, kReadBatch);
    while (!events.empty() && events.back().seq > durable)
      events.pop_back();
    if (!events.empty()) {
      // The store no longer keeps events this reader was to send (it resumed from an old event
      // id, or fell too far behind): it is told which, then gets the oldest ones kept.
      if (events.front().seq != after + 1) {
        const auto first = events.front().seq;
        spdlog::info("stream {}…: events {} to {} are no longer kept; the reader is told so",
                     stream.key().substr(0, 8), after + 1, first - 1);
        const std::string notice = lost_events_notice(
            event_id(stream.session_id(), stream.number(), after),
            "Events after the Last-Event-ID are no longer kept (transport.max_events_per_stream "
            "per stream); the stream continues with the oldest event kept",
            {{"missedFrom", after + 1}, {"missedThrough", first - 1}});
        if (!co_await rs.write(notice)) break;
      }
      bool ok = true;
      for (auto& e : events) {
        const std::string id =
            o.with_ids ? event_id(stream.session_id(), stream.number(), e.seq) : std::string();
        const std::string text = sse_event(id, e.data);
        if (!(ok = co_await rs.write(text))) break;
        after = e.seq;
      }
      if (!ok) break;
      if (o.on_write) o.on_write();
      continue;
    }
    if (stream.finished() && after >= stream.last_seq()) {
      drained = true;
      break;
    }
    if (co_await rs.wait(o.keepalive) == http::ResponseStream::Wake::timeout) {
      static constexpr std::string_view kKeepalive = ": keepalive\n\n";
      if (!co_await rs.write(kKeepalive)) break;
      if (o.on_write) o.on_write();
    }
  }
  stream.detach(token);
  co_return drained;
}

}  // namespace mcpgw::transport
