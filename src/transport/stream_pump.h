#pragma once
// What connects a Stream (transport/session.h) to the response that carries it: the Outbound a
// handler writes to, and the pump that writes the stream's events to the client.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http/message.h"
#include "mcp/context.h"
#include "transport/session.h"

namespace mcpgw::transport {

// Puts messages related to one request on that request's stream.
class StreamOutbound final : public mcp::Outbound {
 public:
  explicit StreamOutbound(std::shared_ptr<Stream> stream) : stream_(std::move(stream)) {}
  bool send(boost::json::object message) override;
  bool send_text(std::string message) override;

 private:
  std::shared_ptr<Stream> stream_;
};

struct PumpOptions {
  std::chrono::milliseconds keepalive;
  bool with_ids = true;            // events carry ids for Last-Event-ID (a session's streams)
  std::function<void()> on_write;  // after events or a keepalive went out (a session's touch)
};

// Writes the stream's events after `after` to the client, then waits for more, until the stream
// is finished and drained, another reader takes over, the server shuts down (at once for a
// standalone stream, number 0), or the client is gone. Events stay in the store either way, for
// Last-Event-ID. True when the stream was finished and everything in it was written.
boost::asio::awaitable<bool> pump(http::ResponseStream& rs, Stream& stream, std::uint64_t after,
                                  const std::optional<std::string>& priming_id,
                                  const PumpOptions& options);

}  // namespace mcpgw::transport
