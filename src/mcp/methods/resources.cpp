// resources/list, resources/templates/list, resources/read, resources/subscribe and unsubscribe.
// Resources are those of upstream MCP servers, offered under "<slug>+<uri>" (or, on a virtual
// server with original names, under their own URI where it is unique there): a read or
// subscription goes to the owning upstream under its own URI (mcp/relay.h).
#include <boost/json.hpp>

#include "common/json_parse.h"
#include "gateway/catalog.h"
#include "gateway/federation.h"
#include "mcp/methods/methods.h"
#include "mcp/relay.h"
#include "protocol/errors.h"
#include "protocol/names.h"

namespace mcpgw::mcp::resources {

// The upstream binding of a resource URI a client names: a resource by its URI; a URI made from
// a template (the template with the longest matching fixed prefix); or, for a URI as the
// upstream gave it inside a result (a resource link, an embedded resource), the one visible
// resource that has it upstream. Null when none.
std::shared_ptr<const gateway::UpstreamBinding> binding_of(const gateway::Catalog& snapshot,
                                                           const std::string& u,
                                                           const gateway::Scope& scope) {
  if (const auto* item = gateway::find_item(snapshot, gateway::ItemKind::resource, u, scope))
    return item->upstream;
  std::shared_ptr<const gateway::UpstreamBinding> binding;
  std::size_t best = 0;
  for (const auto* t : gateway::visible(snapshot, gateway::ItemKind::resource_template, scope)) {
    const std::string_view tmpl = t->key;
    const auto prefix = tmpl.substr(0, tmpl.find('{'));
    if (!t->upstream || prefix.size() <= best || u.compare(0, prefix.size(), prefix) != 0) continue;
    // A template shown under its upstream URI (a server with original names) makes upstream URIs.
    const auto original = t->key == t->upstream->original
                              ? std::optional<std::string_view>(u)
                              : gateway::upstream_uri(t->upstream->endpoint->slug, u);
    if (!original) continue;
    best = prefix.size();
    binding = std::make_shared<const gateway::UpstreamBinding>(
        gateway::UpstreamBinding{t->upstream->endpoint, std::string(*original)});
  }
  if (binding) return binding;
  for (const auto* r : gateway::visible(snapshot, gateway::ItemKind::resource, scope)) {
    if (!r->upstream || r->upstream->original != u) continue;
    if (binding) return nullptr;  // more than one upstream has it: ambiguous
    binding = r->upstream;
  }
  return binding;
}

namespace {

Outcome not_found(const std::string& u) {
  return Outcome{nullptr,
                 jsonrpc::Error{protocol::error::kResourceNotFound, "Resource not found",
                                json::object{{"uri", u}}},
                 {}};
}

// The contents of a read carry the upstream's URIs: they become the URIs mcpgw offers.
void federate_contents(Outcome& out, std::string_view slug) {
  if (out.error || out.raw.empty()) return;
  boost::system::error_code ec;
  json::value v = parse_json(out.raw, ec);
  if (ec || !v.is_object()) return;
  auto* contents = v.get_object().if_contains("contents");
  if (!contents || !contents->is_array()) return;
  for (auto& c : contents->get_array())
    if (auto* uri = c.is_object() ? c.get_object().if_contains("uri") : nullptr;
        uri && uri->is_string())
      *uri = gateway::federated_uri(slug, uri->get_string());
  out.raw = json::serialize(v);
}

// Subscriptions are made in the client's own upstream session, whose GET stream mcpgw follows;
// updates reach exactly the sessions that subscribed (under the URI they subscribed to).
awaitable<Outcome> change_subscription(const Services& s, RequestContext& ctx, const UriParams& p,
                                       bool on) {
  if (!ctx.session())
    co_return Outcome::fail(jsonrpc::kInvalidRequest,
                            "subscriptions need a session; this server is stateless");
  // Gone here first, and from the record (where it would be renewed), whatever the upstream says.
  if (!on) {
    ctx.session()->unsubscribe(p.uri);
    co_await ctx.session()->record_subscription(p.uri, false);
  }
  const auto snapshot = s.catalog.current();
  const auto binding = binding_of(*snapshot, p.uri, ctx.scope());
  if (!binding) co_return not_found(p.uri);
  const std::string_view method =
      on ? protocol::method::kResourcesSubscribe : protocol::method::kResourcesUnsubscribe;
  Outcome out = co_await relay(ctx, upstreams(s), *binding, method, *p.raw, "uri", false);
  if (on && !out.error) {
    co_await ctx.session()->record_subscription(p.uri, true);
    ctx.session()->subscribe(p.uri);
  }
  co_return out;
}

}  // namespace

awaitable<Outcome> list(const Services& s, RequestContext& ctx, const ListParams& p) {
  co_return list_page(s, ctx, gateway::ItemKind::resource, "resources", p);
}

awaitable<Outcome> list_templates(const Services& s, RequestContext& ctx, const ListParams& p) {
  co_return list_page(s, ctx, gateway::ItemKind::resource_template, "resourceTemplates", p);
}

awaitable<Outcome> read(const Services& s, RequestContext& ctx, const UriParams& p) {
  const auto snapshot = s.catalog.current();
  const auto binding = binding_of(*snapshot, p.uri, ctx.scope());
  if (!binding) co_return not_found(p.uri);
  Outcome out = co_await relay(ctx, upstreams(s), *binding, protocol::method::kResourcesRead,
                               *p.raw, "uri", false);
  // Asked for under its upstream URI on a server with original names: the contents keep theirs.
  if (!(p.uri == binding->original && gateway::shows_original_names(*snapshot, ctx.scope())))
    federate_contents(out, binding->endpoint->slug);
  co_return out;
}

awaitable<Outcome> subscribe(const Services& s, RequestContext& ctx, const UriParams& p) {
  co_return co_await change_subscription(s, ctx, p, true);
}

awaitable<Outcome> unsubscribe(const Services& s, RequestContext& ctx, const UriParams& p) {
  co_return co_await change_subscription(s, ctx, p, false);
}

}  // namespace mcpgw::mcp::resources
