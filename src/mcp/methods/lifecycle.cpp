// initialize, ping, notifications/initialized and notifications/cancelled. The version and the
// session state initialize answers for are set up by mcp::Server::initialize (mcp/server.h).
#include <boost/json.hpp>

#include "mcp/methods/methods.h"

namespace mcpgw::mcp::lifecycle {

awaitable<Outcome> initialize(const Services& s, RequestContext& ctx, const InitializeParams& p) {
  if (ctx.session()) ctx.session()->set_client(*p.client_info, *p.capabilities);
  // Capabilities are what mcpgw really offers: list_changed for every list it serves, logging
  // levels, completions and resource subscriptions.
  json::object capabilities{
      {"logging", json::object{}},
      {"completions", json::object{}},
      {"prompts", json::object{{"listChanged", true}}},
      {"resources", json::object{{"subscribe", true}, {"listChanged", true}}},
      {"tools", json::object{{"listChanged", true}}},
  };
  co_return Outcome::ok(json::object{
      {"protocolVersion", ctx.protocol_version()},
      {"capabilities", std::move(capabilities)},
      {"serverInfo", json::object{{"name", s.identity.name}, {"version", s.identity.version}}},
  });
}

awaitable<Outcome> ping(RequestContext&, const NoParams&) {
  co_return Outcome::ok(json::object{});
}

void initialized(RequestContext& ctx, const json::object&) {
  if (ctx.session()) ctx.session()->mark_initialized();
}

void cancelled(RequestContext& ctx, const json::object& params) {
  auto it = params.find("requestId");
  if (ctx.session() && it != params.end()) ctx.session()->cancel_request(it->value());
}

}  // namespace mcpgw::mcp::lifecycle
