// Every method and notification mcpgw answers, by MCP area: the one table to read to find any
// method in one hop. "streams": the handler may send messages related to the request (progress,
// logging, server-to-client requests) before its result, so the request is answered on an SSE
// stream when the client accepts one.
#include <stdexcept>

#include "mcp/methods/methods.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
namespace {

constexpr bool kStreams = true, kAtOnce = false;

// A handler of typed params that uses the services.
template <typename P>
HandlerEntry with(const Services& s,
                  awaitable<Outcome> (*h)(const Services&, RequestContext&, const P&),
                  bool streams) {
  return HandlerEntry::parsed<P>(
      [&s, h](RequestContext& ctx, const P& params) { return h(s, ctx, params); }, streams);
}
// One that needs nothing but its request.
template <typename P>
HandlerEntry plain(awaitable<Outcome> (*h)(RequestContext&, const P&), bool streams) {
  return HandlerEntry::parsed<P>(h, streams);
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
  d.on_request(m::kInitialize, with(s, lifecycle::initialize, kAtOnce));
  d.on_request(m::kPing, plain(lifecycle::ping, kAtOnce));
  d.on_notification(n::kInitialized, lifecycle::initialized);
  d.on_notification(n::kCancelled, lifecycle::cancelled);
  // Tools (tools.cpp).
  d.on_request(m::kToolsList, with(s, tools::list, kAtOnce));
  d.on_request(m::kToolsCall, with(s, tools::call, kStreams));
  // Resources (resources.cpp).
  d.on_request(m::kResourcesList, with(s, resources::list, kAtOnce));
  d.on_request(m::kResourceTemplatesList, with(s, resources::list_templates, kAtOnce));
  d.on_request(m::kResourcesRead, with(s, resources::read, kStreams));
  d.on_request(m::kResourcesSubscribe, with(s, resources::subscribe, kAtOnce));
  d.on_request(m::kResourcesUnsubscribe, with(s, resources::unsubscribe, kAtOnce));
  // Prompts (prompts.cpp).
  d.on_request(m::kPromptsList, with(s, prompts::list, kAtOnce));
  d.on_request(m::kPromptsGet, with(s, prompts::get, kStreams));
  // Completion (completion.cpp).
  d.on_request(m::kCompletionComplete, with(s, completion::complete, kAtOnce));
  // Logging (logging.cpp).
  d.on_request(m::kLoggingSetLevel, plain(logging::set_level, kAtOnce));
}

}  // namespace mcpgw::mcp
