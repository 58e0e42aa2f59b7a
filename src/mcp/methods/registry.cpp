// Every method and notification mcpgw answers, by MCP area: the one table to read to find any
// method in one hop. "streams": the handler may send messages related to the request (progress,
// logging, server-to-client requests) before its result, so the request is answered on an SSE
// stream when the client accepts one. The era says where a method exists: 2026-07-28 removed
// initialize, ping, logging/setLevel and resources/(un)subscribe and added server/discover.
#include <stdexcept>

#include "mcp/methods/methods.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
namespace {

constexpr bool kStreams = true, kAtOnce = false;

// A handler of typed params that uses the services.
template <typename P>
HandlerEntry with(const Services& s,
                  awaitable<Outcome> (*h)(const Services&, RequestContext&, const P&), bool streams,
                  unsigned eras = kBothEras) {
  return HandlerEntry::parsed<P>(
      [&s, h](RequestContext& ctx, const P& params) { return h(s, ctx, params); }, streams, eras);
}
// One that needs nothing but its request.
template <typename P>
HandlerEntry plain(awaitable<Outcome> (*h)(RequestContext&, const P&), bool streams,
                   unsigned eras = kBothEras) {
  return HandlerEntry::parsed<P>(h, streams, eras);
}

}  // namespace

gateway::Federation& upstreams(const Services& s) {
  if (!s.federation) throw std::logic_error("no federation to relay to");
  return *s.federation;
}

void register_methods(Dispatcher& d, const Services& s) {
  namespace m = protocol::method;
  namespace n = protocol::notification;
  // Lifecycle (lifecycle.cpp). initialize reaches the dispatcher only through mcp::Server.
  d.on_request(m::kInitialize, with(s, lifecycle::initialize, kAtOnce, kLegacy));
  d.on_request(m::kPing, plain(lifecycle::ping, kAtOnce, kLegacy));
  d.on_request(m::kServerDiscover, with(s, lifecycle::discover, kAtOnce, kModern));
  d.on_notification(n::kInitialized, lifecycle::initialized);
  d.on_notification(n::kCancelled, lifecycle::cancelled);
  // Tools (tools.cpp).
  d.on_request(m::kToolsList, with(s, tools::list, kAtOnce));
  d.on_request(m::kToolsCall, with(s, tools::call, kStreams));
  // Resources (resources.cpp).
  d.on_request(m::kResourcesList, with(s, resources::list, kAtOnce));
  d.on_request(m::kResourceTemplatesList, with(s, resources::list_templates, kAtOnce));
  d.on_request(m::kResourcesRead, with(s, resources::read, kStreams));
  d.on_request(m::kResourcesSubscribe, with(s, resources::subscribe, kAtOnce, kLegacy));
  d.on_request(m::kResourcesUnsubscribe, with(s, resources::unsubscribe, kAtOnce, kLegacy));
  // Prompts (prompts.cpp).
  d.on_request(m::kPromptsList, with(s, prompts::list, kAtOnce));
  d.on_request(m::kPromptsGet, with(s, prompts::get, kStreams));
  // Completion (completion.cpp).
  d.on_request(m::kCompletionComplete, with(s, completion::complete, kAtOnce));
  // Subscriptions (subscriptions.cpp).
  d.on_request(m::kSubscriptionsListen, with(s, subscriptions::listen, kStreams, kModern));
  // Logging (logging.cpp).
  d.on_request(m::kLoggingSetLevel, plain(logging::set_level, kAtOnce, kLegacy));
}

}  // namespace mcpgw::mcp
