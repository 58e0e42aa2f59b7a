// tools/list and tools/call. A call finds the tool in the caller's scope (unknown: -32602) and
// hands it to the invoker of its source (mcp/invokers.h).
#include "gateway/catalog.h"
#include "mcp/methods/methods.h"
#include "protocol/errors.h"

namespace mcpgw::mcp::tools {

awaitable<Outcome> list(const Services& s, RequestContext& ctx, const ListParams& p) {
  co_return list_page(s, ctx, gateway::ItemKind::tool, "tools", p);
}

awaitable<Outcome> call(const Services& s, RequestContext& ctx, const CallToolParams& p) {
  // The snapshot stays alive for the whole call, whatever is published meanwhile.
  const auto snapshot = s.catalog.current();
  const gateway::CatalogItem* tool = gateway::find_tool(*snapshot, p.name, ctx.scope());
  if (!tool) co_return Outcome::fail(jsonrpc::kInvalidParams, "Unknown tool: " + p.name);
  if (s.limits && s.limits->any()) {
    const auto d = s.limits->tool_call(ctx.principal().subject, tool->catalog_key);
    if (!d.allowed)
      co_return Outcome::fail(
          jsonrpc::Error{protocol::error::kServerError,
                         "Rate limit exceeded for tool " + p.name + ": retry in " +
                             std::to_string(d.retry_after.count()) + " ms",
                         json::object{{"retryAfterMs", d.retry_after.count()}}});
  }
  const ToolInvoker* invoker = s.invokers[static_cast<std::size_t>(tool->source())];
  if (!invoker)
    co_return Outcome::fail(jsonrpc::kInternalError,
                            "Tool " + p.name + " cannot be called: it has no binding");
  co_return co_await invoker->call(ctx, *tool, p);
}

}  // namespace mcpgw::mcp::tools
