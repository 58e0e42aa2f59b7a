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
    std::shared_ptr<std::atomic<bool>> cancelled;
  };
  explicit RequestContext(Init init) : i_(std::move(init)) {}

  SessionState* session() const { return i_.session; }
  const auth::Principal& principal() const { return *i_.principal; }
  const gateway::Scope& scope() const { return i_.scope; }
  const std::string& protocol_version() const { return i_.protocol_version; }
  const json::value& request_id() const { return i_.request_id; }
  const std::string& log_id() const { return i_.log_id; }
  bool cancelled() const { return i_.cancelled && i_.cancelled->load(); }

  // A notification related to this request (progress, logging), on its stream.
  bool notify(std::string_view method, json::value params);

  // A message relayed as it is (an upstream's progress or log notification), on this stream.
  bool forward(std::string message_text);

  // Runs hook when the client cancels this request (at once if it already has). False when the
  // request cannot be cancelled (no session).
  bool on_cancel(std::function<void()> hook);

  // A server-to-client request on this request's stream, answered through the session; an error
  // reply when there is no session or stream, when the client did not declare the capability
  // the method needs (sampling, elicitation, roots), or when `timeout` passes first.
  boost::asio::awaitable<Outcome> request(std::string_view method, json::value params,
                                          std::chrono::milliseconds timeout);

 private:
  Init i_;
};

}  // namespace mcpgw::mcp
