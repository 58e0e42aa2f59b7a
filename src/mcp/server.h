#pragma once
// The MCP server as the transport sees it: which scope a request has, initialize (negotiation,
// validation and the new session's protocol state, all decided here), modern requests (the
// envelope, the era's methods, the modern result), and the dispatcher for everything else. The
// transport carries the messages and commits the session it is given.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string_view>
#include <variant>

#include "mcp/dispatcher.h"
#include "mcp/envelope.h"
#include "mcp/identity.h"
#include "mcp/input_required.h"
#include "mcp/param_headers.h"
#include "mcp/scope.h"

namespace mcpgw::mcp {

class Server {
 public:
  // input_ttl: how long a requestState stays good, and a pending call waits for its retry.
  Server(const Dispatcher& dispatcher, const gateway::CatalogService& catalog,
         ServerIdentity identity = {},
         std::chrono::milliseconds input_ttl = std::chrono::minutes(10))
      : dispatcher_(dispatcher),
        catalog_(catalog),
        identity_(std::move(identity)),
        pending_(input_ttl) {}

  const Dispatcher& dispatcher() const { return dispatcher_; }

  // The scope of a request by principal on /servers/<server_id>/mcp (nullopt: /mcp).
  ScopeCheck check_scope(const auth::Principal& principal,
                         std::optional<std::string_view> server_id) const;

  struct Initialized {
    Answer answer;
    std::shared_ptr<SessionState> session;  // the state to commit; null when initialize failed
  };
  // Answers an initialize request. ctx's session and protocol version are set here: the version
  // negotiated from the request's params, on a new session state.
  boost::asio::awaitable<Initialized> initialize(const RequestContext::Init& ctx,
                                                 const jsonrpc::Message& request) const;

  // A modern request (has_envelope(params)) admitted: its envelope, and its method's entry.
  struct Admitted {
    Envelope envelope;
    const HandlerEntry* entry = nullptr;
  };
  // The envelope read and checked (mcp/envelope.h), then the method: one that the modern era
  // does not have (initialize, ping, logging/setLevel, resources/subscribe...) or that nobody
  // knows is refused with HTTP 404 and -32601.
  std::variant<Admitted, Refusal> admit(const jsonrpc::Message& request,
                                        std::optional<std::string_view> header_version) const;
  // The Mcp-Param-* headers of an admitted request, against the tool it calls in scope
  // (mcp/param_headers.h): nullopt when they agree.
  std::optional<Refusal> check_param_headers(const Scope& scope, const jsonrpc::Message& request,
                                             const ParamHeaders& received) const;
  // Answers an admitted request; ctx carries its envelope. The result gets what the modern era
  // adds (mcp/modern_result.h). tools/call, prompts/get and resources/read of a client that
  // declared elicitation, sampling or roots run as a PendingCall (mcp/input_required.h): a
  // server-to-client request on the way becomes an input_required result, and the retry that
  // carries its requestState continues the call.
  boost::asio::awaitable<Answer> modern(RequestContext& ctx, const jsonrpc::Message& request) const;

 private:
  boost::asio::awaitable<Outcome> run_pending(RequestContext& ctx,
                                              const jsonrpc::Message& request) const;
  PendingCalls::State state_of(const RequestContext& ctx, const jsonrpc::Message& request) const;

  const Dispatcher& dispatcher_;
  const gateway::CatalogService& catalog_;
  const ServerIdentity identity_;
  mutable PendingCalls pending_;
};

// The version initialize answers: the client's when supported, else the newest mcpgw speaks.
std::string negotiate_version(const boost::json::value& requested);

}  // namespace mcpgw::mcp
