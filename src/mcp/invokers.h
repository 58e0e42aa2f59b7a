#pragma once
// How a tool is called, by where it comes from: a REST endpoint (RestToolInvoker) or an upstream
// MCP server (UpstreamToolInvoker, through the relay). tools/call finds the tool in the caller's
// scope and hands it to the invoker of its source; it never branches on the kind of tool.
#include <array>
#include <boost/asio/awaitable.hpp>

#include "gateway/catalog.h"
#include "mcp/dispatcher.h"
#include "mcp/methods/params.h"

namespace mcpgw::gateway {
class Federation;
class HttpClient;
}  // namespace mcpgw::gateway

namespace mcpgw::mcp {

class ToolInvoker {
 public:
  virtual ~ToolInvoker() = default;
  // The call's result: a CallToolResult (isError when the tool failed), or a JSON-RPC error when
  // the call itself is invalid (bad arguments).
  virtual boost::asio::awaitable<Outcome> call(RequestContext& ctx,
                                               const gateway::CatalogItem& tool,
                                               const CallToolParams& params) const = 0;
};

// Checks the arguments against the tool's input schema, fills the REST request, and turns the
// answer into a CallToolResult (gateway/rest_tool.h).
class RestToolInvoker final : public ToolInvoker {
 public:
  explicit RestToolInvoker(gateway::HttpClient& http) : http_(http) {}
  boost::asio::awaitable<Outcome> call(RequestContext& ctx, const gateway::CatalogItem& tool,
                                       const CallToolParams& params) const override;

 private:
  gateway::HttpClient& http_;
};

// Relays the call to the upstream that owns the tool (mcp/relay.h); the upstream checks its own
// arguments, against its own schema.
class UpstreamToolInvoker final : public ToolInvoker {
 public:
  explicit UpstreamToolInvoker(gateway::Federation& federation) : federation_(federation) {}
  boost::asio::awaitable<Outcome> call(RequestContext& ctx, const gateway::CatalogItem& tool,
                                       const CallToolParams& params) const override;

 private:
  gateway::Federation& federation_;
};

// The invoker of each item source; null where a source has none (local tools).
using ToolInvokers = std::array<const ToolInvoker*, gateway::kItemSources>;

}  // namespace mcpgw::mcp
