// logging/setLevel: the session's level, given to its upstream sessions at once (those it opens
// later get it before their first request, in mcp/relay.cpp).
#include <spdlog/spdlog.h>

#include "gateway/upstream_session.h"
#include "mcp/methods/methods.h"

namespace mcpgw::mcp::logging {

awaitable<Outcome> set_level(RequestContext& ctx, const SetLevelParams& p) {
  if (!ctx.session()) co_return Outcome::ok(json::object{});
  ctx.session()->set_log_level(p.level);
  for (const auto& upstream : ctx.session()->upstreams().current()) {
    // Named first: a co_await inside a larger condition is a GCC 12 trap (common/offload.h).
    auto why = co_await upstream->apply_log_level(p.level);
    if (why)
      spdlog::info("request {}: logging level {} not applied on upstream {}: {}", ctx.log_id(),
                   p.level, upstream->endpoint().name, why->text());
  }
  co_return Outcome::ok(json::object{});
}

}  // namespace mcpgw::mcp::logging
