// initialize, ping, server/discover, notifications/initialized and notifications/cancelled. The
// version and the session state initialize answers for are set up by mcp::Server::initialize
// (mcp/server.h); a modern request's envelope by mcp::Server::modern.
#include <boost/json.hpp>

#include "mcp/methods/methods.h"
#include "protocol/versions.h"

namespace mcpgw::mcp::lifecycle {
namespace {

// What mcpgw really offers, on every endpoint and to every principal (what a principal sees
// decides what the lists hold, not which methods there are): logging, completions, and the
// three lists. Legacy sessions get list_changed and resource subscriptions; the modern era gets
// list_changed on subscriptions/listen streams (when there is a hub for them), and no resource
// subscriptions yet.
json::object capabilities(bool modern, bool listen = false) {
  if (modern) {
    const json::object changes = listen ? json::object{{"listChanged", true}} : json::object{};
    return {{"logging", json::object{}},
            {"completions", json::object{}},
            {"prompts", changes},
            {"resources", changes},
            {"tools", changes}};
  }
  return {
      {"logging", json::object{}},
      {"completions", json::object{}},
      {"prompts", json::object{{"listChanged", true}}},
      {"resources", json::object{{"subscribe", true}, {"listChanged", true}}},
      {"tools", json::object{{"listChanged", true}}},
  };
}

}  // namespace

awaitable<Outcome> initialize(const Services& s, RequestContext& ctx, const InitializeParams& p) {
  if (ctx.session()) ctx.session()->set_client(*p.client_info, *p.capabilities);
  co_return Outcome::ok(json::object{
      {"protocolVersion", ctx.protocol_version()},
      {"capabilities", capabilities(false)},
      {"serverInfo", json::object{{"name", s.identity.name}, {"version", s.identity.version}}},
  });
}

// The result's serverInfo, resultType and cache hints are added by mcp::Server::modern.
awaitable<Outcome> discover(const Services& s, RequestContext&, const NoParams&) {
  json::array versions;
  for (auto v : protocol::kAllVersions)
    versions.emplace_back(v);
  co_return Outcome::ok(json::object{{"supportedVersions", std::move(versions)},
                                     {"capabilities", capabilities(true, s.listeners != nullptr)}});
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
