#pragma once
// Requests for items of upstream MCP servers go to the owning upstream, in the client session's
// own session with it (stateless clients: a session for the one request). Only the name (or
// URI) the gateway rewrote is changed on the way; the result comes back byte for byte. Messages
// the upstream sends on the request's stream reach the client on the request's own stream:
// notifications as they are, server-to-client requests under a gateway id (the client's answer
// goes back under the upstream's original id). A client's notifications/cancelled is relayed.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <string_view>

#include "mcp/dispatcher.h"

namespace mcpgw::gateway {
class Federation;
struct UpstreamBinding;
}  // namespace mcpgw::gateway

namespace mcpgw::mcp {

// key_field: the params member that names the item ("name", or "uri"); it is set to the
// upstream's own name (null: params are already as the upstream must see them). tool_call: failures
// become isError results rather than JSON-RPC errors.
boost::asio::awaitable<Outcome> relay(RequestContext& ctx, gateway::Federation& federation,
                                      const gateway::UpstreamBinding& binding,
                                      std::string_view method, json::object params,
                                      const char* key_field, bool tool_call);

}  // namespace mcpgw::mcp
