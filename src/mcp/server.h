#pragma once
// The MCP server as the transport sees it: which scope a request has, initialize (negotiation,
// validation and the new session's protocol state, all decided here), and the dispatcher for
// everything else. The transport carries the messages and commits the session it is given.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <string_view>

#include "mcp/dispatcher.h"
#include "mcp/scope.h"

namespace mcpgw::mcp {

class Server {
 public:
  Server(const Dispatcher& dispatcher, const gateway::CatalogService& catalog)
      : dispatcher_(dispatcher), catalog_(catalog) {}

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

 private:
  const Dispatcher& dispatcher_;
  const gateway::CatalogService& catalog_;
};

// The version initialize answers: the client's when supported, else the newest mcpgw speaks.
std::string negotiate_version(const boost::json::value& requested);

}  // namespace mcpgw::mcp
