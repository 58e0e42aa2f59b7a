#pragma once
// tools/call: finds the tool in the caller's scope, checks the arguments against its input
// schema, and calls it. Unknown tools and bad arguments are JSON-RPC errors (-32602); failures of
// the tool itself are results with isError.
namespace mcpgw::gateway {
class CatalogService;
class HttpClient;
class Federation;
}  // namespace mcpgw::gateway

namespace mcpgw::mcp {
class Dispatcher;

// Tools of upstream MCP servers are relayed (mcp/relay.h); REST tools are called directly.
void register_tool_handlers(Dispatcher& d, const gateway::CatalogService& catalog,
                            gateway::HttpClient& http, gateway::Federation& federation);
}  // namespace mcpgw::mcp
