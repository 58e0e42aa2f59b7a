// subscriptions/listen (modern era): acknowledges the types mcpgw honours, then holds the
// request's stream open for the list changes of its scope (mcp/listen.h) until the client closes
// it (which cancels the request) or mcpgw shuts down (which answers it: a graceful end).
// Resource subscriptions are not honoured yet: the acknowledgement leaves them out.
#include <spdlog/spdlog.h>

#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "common/wakeup.h"
#include "mcp/listen.h"
#include "mcp/methods/methods.h"
#include "protocol/names.h"

namespace mcpgw::mcp::subscriptions {

awaitable<Outcome> listen(const Services& s, RequestContext& ctx, const ListenParams& p) {
  if (!s.listeners) co_return Outcome::fail(jsonrpc::kMethodNotFound, "Method not found");
  ListenHub::Filter granted{p.tools, p.prompts, p.resources};
  json::object honoured;
  if (granted.tools) honoured["toolsListChanged"] = true;
  if (granted.prompts) honoured["promptsListChanged"] = true;
  if (granted.resources) honoured["resourcesListChanged"] = true;
  const json::object meta{{protocol::meta::kSubscriptionId, ctx.request_id()}};
  // The acknowledgement is the stream's first message; without a stream there is none.
  if (!ctx.notify(protocol::notification::kSubscriptionsAcknowledged,
                  json::object{{"_meta", meta}, {"notifications", std::move(honoured)}}))
    co_return Outcome::fail(jsonrpc::kInvalidRequest,
                            "Invalid Request: subscriptions/listen needs an SSE response (Accept: "
                            "text/event-stream)");
  // Named first: a temporary inside a co_await expression is a GCC 12 trap (common/offload.h).
  auto ex = co_await boost::asio::this_coro::executor;
  Wakeup ended(ex);
  const std::uint64_t id = s.listeners->add(
      ctx.scope(), granted, ctx.request_id(),
      [&ctx](std::string message) { return ctx.forward(std::move(message)); }, ended.waker());
  if (id == 0)
    co_return Outcome::fail(jsonrpc::kInternalError, "Too many listen streams; retry later");
  ctx.on_cancel(ended.waker());
  spdlog::debug("request {}: listening ({} open)", ctx.log_id(), s.listeners->size());
  while (!ctx.cancelled() && !s.listeners->closed()) {
    const bool woken = co_await ended.wait(std::chrono::hours(1));
    (void)woken;
  }
  s.listeners->remove(id);
  co_return Outcome::ok(json::object{{"_meta", meta}});
}

}  // namespace mcpgw::mcp::subscriptions
