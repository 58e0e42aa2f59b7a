// completion/complete: completions of a prompt's argument or a template's variable come from the
// upstream that owns the prompt or template; anything else has none (an empty completion).
#include <boost/json.hpp>

#include "gateway/catalog.h"
#include "gateway/federation.h"
#include "mcp/methods/methods.h"
#include "mcp/relay.h"
#include "protocol/names.h"

namespace mcpgw::mcp::completion {
namespace {

Outcome none() {
  return Outcome::ok(json::object{
      {"completion", json::object{{"values", json::array{}}, {"total", 0}, {"hasMore", false}}}});
}

const gateway::CatalogItem* owner(const gateway::Catalog& snapshot, const CompleteParams& p,
                                  const gateway::Scope& scope) {
  if (p.prompt) return gateway::find_item(snapshot, gateway::ItemKind::prompt, p.key, scope);
  if (const auto* t =
          gateway::find_item(snapshot, gateway::ItemKind::resource_template, p.key, scope))
    return t;
  return gateway::find_item(snapshot, gateway::ItemKind::resource, p.key, scope);
}

}  // namespace

awaitable<Outcome> complete(const Services& s, RequestContext& ctx, const CompleteParams& p) {
  const auto snapshot = s.catalog.current();
  const gateway::CatalogItem* item = owner(*snapshot, p, ctx.scope());
  if (!item || !item->upstream) co_return none();
  const auto binding = item->upstream;
  json::object upstream_params = *p.raw;
  upstream_params["ref"].get_object()[p.key_field()] = binding->original;
  Outcome out = co_await relay(ctx, upstreams(s), *binding, protocol::method::kCompletionComplete,
                               std::move(upstream_params), nullptr, false);
  // An upstream without completions has none to offer: not an error for the client.
  if (out.error && out.error->code == jsonrpc::kMethodNotFound) co_return none();
  co_return out;
}

}  // namespace mcpgw::mcp::completion
