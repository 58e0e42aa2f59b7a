#pragma once
// What a handler knows about the request it serves, and how it talks back on that request's own
// stream.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "auth/principal.h"
#include "gateway/catalog.h"
#include "mcp/cancellation.h"
#include "mcp/envelope.h"
#include "mcp/outcome.h"
#include "mcp/session_state.h"

namespace mcpgw::mcp {

// Implemented by the transport for one client request.
class Outbound {
 public:
  virtual ~Outbound() = default;
  // Puts a notification or request related to the current request on that request's stream.
  // False when the request has no stream that can carry it (a plain JSON response).
  virtual bool send(json::object message) = 0;
  // The same with a message that is already serialized (relayed byte for byte).
  virtual bool send_text(std::string message) = 0;
};

// Where a modern request's server-to-client requests go: the input requests of an
// input_required result (mcp/input_required.h).
class InputChannel {
 public:
  virtual ~InputChannel() = default;
  virtual boost::asio::awaitable<Outcome> ask(std::string_view method, const json::value& params,
                                              std::chrono::milliseconds timeout) = 0;
};

class RequestContext {
 public:
  struct Init {
    SessionState* session = nullptr;  // null in stateless mode
    const auth::Principal* principal = nullptr;
    gateway::Scope scope;
    std::string protocol_version;
    json::value request_id;  // null for notifications
    std::string log_id;      // the HTTP request id, for logs
    Outbound* outbound = nullptr;
    std::shared_ptr<std::atomic<bool>> cancelled;  // legacy: set by notifications/cancelled
    // Modern requests: the envelope read from the request (null: a legacy request), and how
    // the transport tells that the client closed the request's stream.
    const Envelope* envelope = nullptr;
    std::shared_ptr<Cancellation> cancellation{};
    InputChannel* input = nullptr;  // modern: where server-to-client requests go; null: nowhere
  };
  explicit RequestContext(Init init) : i_(std::move(init)) {}

  SessionState* session() const { return i_.session; }
  const auth::Principal& principal() const { return *i_.principal; }
  const gateway::Scope& scope() const { return i_.scope; }
  const std::string& protocol_version() const { return i_.protocol_version; }
  const json::value& request_id() const { return i_.request_id; }
  const std::string& log_id() const { return i_.log_id; }
  Outbound* outbound() const { return i_.outbound; }
  bool cancelled() const {
    return (i_.cancelled && i_.cancelled->load()) ||
           (i_.cancellation && i_.cancellation->cancelled());
  }
  // A modern (2026-07-28) request, with its envelope.
  bool modern() const { return i_.envelope != nullptr; }
  const Envelope* envelope() const { return i_.envelope; }
  // Whether a log message of this level may go on this request's stream: legacy, always (the
  // session's level was given upstream); modern, only at or above the level the request's
  // envelope asks for, and never when it asks for none.
  bool wants_log(std::string_view level) const;
  // Whether the client declared this capability: in the modern envelope, or at initialize.
  bool client_declared(std::string_view capability) const;

  // A notification related to this request (progress, logging), on its stream.
  bool notify(std::string_view method, json::value params);

  // A message relayed as it is (an upstream's progress or log notification), on this stream.
  bool forward(std::string message_text);

  // Runs hook when the client cancels this request (at once if it already has). False when the
  // request cannot be cancelled (legacy without a session).
  bool on_cancel(std::function<void()> hook);

  // A server-to-client request on this request's stream, answered through the session (modern:
  // through the input channel, in the client's retry); an error reply when there is no session
  // or stream (or channel), when the client did not declare the capability the method needs
  // (sampling, elicitation, roots), or when `timeout` passes first.
  boost::asio::awaitable<Outcome> request(std::string_view method, json::value params,
                                          std::chrono::milliseconds timeout);

 private:
  Init i_;
};

}  // namespace mcpgw::mcp
