// prompts/list and prompts/get. Prompts are those of upstream MCP servers: a get goes to the
// owning upstream under its own name (mcp/relay.h).
#include "gateway/catalog.h"
#include "gateway/federation.h"
#include "mcp/methods/methods.h"
#include "mcp/relay.h"
#include "protocol/names.h"

namespace mcpgw::mcp::prompts {

awaitable<Outcome> list(const Services& s, RequestContext& ctx, const ListParams& p) {
  co_return list_page(s, ctx, gateway::ItemKind::prompt, "prompts", p);
}

awaitable<Outcome> get(const Services& s, RequestContext& ctx, const GetPromptParams& p) {
  const auto snapshot = s.catalog.current();
  const gateway::CatalogItem* item =
      gateway::find_item(*snapshot, gateway::ItemKind::prompt, p.name, ctx.scope());
  if (!item) co_return Outcome::fail(jsonrpc::kInvalidParams, "Unknown prompt: " + p.name);
  if (!item->upstream)
    co_return Outcome::fail(jsonrpc::kInternalError, "Prompt " + p.name + " has no source");
  const auto binding = item->upstream;
  co_return co_await relay(ctx, upstreams(s), *binding, protocol::method::kPromptsGet, *p.raw,
                           "name", false);
}

}  // namespace mcpgw::mcp::prompts
