#pragma once
// The handlers of every method mcpgw answers, by MCP area (one file each), and what they use.
// registry.cpp puts them in the dispatcher: the one table to read to find any method.
#include <boost/asio/awaitable.hpp>
#include <string>

#include "common/rate_limit.h"
#include "mcp/dispatcher.h"
#include "mcp/identity.h"
#include "mcp/invokers.h"
#include "mcp/methods/params.h"

namespace mcpgw::gateway {
class CatalogService;
class Federation;
}  // namespace mcpgw::gateway

namespace mcpgw::mcp {

class ListenHub;  // mcp/listen.h

// What the handlers use. federation may be null (no upstream MCP servers: unit tests), and so may
// any invoker (tools of that source cannot be called).
struct Services {
  const gateway::CatalogService& catalog;
  ServerIdentity identity;
  gateway::Federation* federation = nullptr;
  ToolInvokers invokers{};
  ListenHub* listeners = nullptr;  // null: no subscriptions/listen (unit tests)
  RateLimits* limits = nullptr;    // tools/call per principal and tool; null: none
};

inline constexpr std::size_t kPageSize = 100;

// The federation, for the methods that relay; throws (answered -32603 and logged) when the
// services have none.
gateway::Federation& upstreams(const Services& s);

// Every method and notification, registered in one table (registry.cpp). services must outlive d.
void register_methods(Dispatcher& d, const Services& services);

using boost::asio::awaitable;

namespace lifecycle {  // lifecycle.cpp
awaitable<Outcome> initialize(const Services& s, RequestContext& ctx, const InitializeParams& p);
awaitable<Outcome> ping(RequestContext& ctx, const NoParams& p);
awaitable<Outcome> discover(const Services& s, RequestContext& ctx, const NoParams& p);
void initialized(RequestContext& ctx, const json::object& params);
void cancelled(RequestContext& ctx, const json::object& params);
}  // namespace lifecycle

namespace tools {  // tools.cpp
awaitable<Outcome> list(const Services& s, RequestContext& ctx, const ListParams& p);
awaitable<Outcome> call(const Services& s, RequestContext& ctx, const CallToolParams& p);
}  // namespace tools

namespace resources {  // resources.cpp
awaitable<Outcome> list(const Services& s, RequestContext& ctx, const ListParams& p);
awaitable<Outcome> list_templates(const Services& s, RequestContext& ctx, const ListParams& p);
awaitable<Outcome> read(const Services& s, RequestContext& ctx, const UriParams& p);
awaitable<Outcome> subscribe(const Services& s, RequestContext& ctx, const UriParams& p);
awaitable<Outcome> unsubscribe(const Services& s, RequestContext& ctx, const UriParams& p);
// The upstream item a resource URI the client names stands for in scope (a resource, or a URI
// of a template); null when none.
std::shared_ptr<const gateway::UpstreamBinding> binding_of(const gateway::Catalog& snapshot,
                                                           const std::string& u,
                                                           const gateway::Scope& scope);
}  // namespace resources

namespace prompts {  // prompts.cpp
awaitable<Outcome> list(const Services& s, RequestContext& ctx, const ListParams& p);
awaitable<Outcome> get(const Services& s, RequestContext& ctx, const GetPromptParams& p);
}  // namespace prompts

namespace completion {  // completion.cpp
awaitable<Outcome> complete(const Services& s, RequestContext& ctx, const CompleteParams& p);
}  // namespace completion

namespace subscriptions {  // subscriptions.cpp
awaitable<Outcome> listen(const Services& s, RequestContext& ctx, const ListenParams& p);
}  // namespace subscriptions

namespace logging {  // logging.cpp
awaitable<Outcome> set_level(RequestContext& ctx, const SetLevelParams& p);
}  // namespace logging

// A page of the list of kind k that ctx's scope sees (lists.cpp): {"<field>":[...],"nextCursor"}.
Outcome list_page(const Services& s, RequestContext& ctx, gateway::ItemKind k, const char* field,
                  const ListParams& p);

}  // namespace mcpgw::mcp
