// subscriptions/listen (modern era): acknowledges the types mcpgw honours, then holds the
// request's stream open for the list changes of its scope (mcp/listen.h) until the client closes
// it (which cancels the request) or mcpgw shuts down (which answers it: a graceful end).
// Resource subscriptions (resourceSubscriptions) are made upstream for the stream
// (mcp/resource_watch.h); the acknowledgement names those made.
#include <spdlog/spdlog.h>

#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "common/wakeup.h"
#include "mcp/listen.h"
#include "mcp/methods/methods.h"
#include "mcp/resource_watch.h"
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
  // Resource subscriptions: made upstream first, so that the acknowledgement names those made.
  std::unique_ptr<ResourceWatch> watch;
  if (!p.resource_uris.empty() && s.federation) {
    const auto snapshot = s.catalog.current();
    std::vector<ResourceWatch::Wanted> wanted;
    for (const auto& u : p.resource_uris)
      if (auto b = resources::binding_of(*snapshot, u, ctx.scope())) wanted.push_back({b, u});
    watch = std::make_unique<ResourceWatch>(*s.federation, [&ctx, meta](json::object params) {
      params["_meta"] = meta;
      ctx.forward(json::serialize(
          jsonrpc::notification(protocol::notification::kResourceUpdated, std::move(params))));
    });
    std::vector<std::string> subscribed = co_await watch->subscribe(ctx, std::move(wanted));
    if (!subscribed.empty()) {
      json::array uris;
      for (auto& u : subscribed)
        uris.emplace_back(u);
      honoured["resourceSubscriptions"] = std::move(uris);
    }
  }
  // The acknowledgement is the stream's first message; without a stream there is none.
  if (!ctx.notify(protocol::notification::kSubscriptionsAcknowledged,
                  json::object{{"_meta", meta}, {"notifications", std::move(honoured)}})) {
    if (watch) co_await watch->stop();
    co_return Outcome::fail(jsonrpc::kInvalidRequest,
                            "Invalid Request: subscriptions/listen needs an SSE response (Accept: "
                            "text/event-stream)");
  }
  if (watch) watch->start(ctx.log_id());
  // Named first: a temporary inside a co_await expression is a GCC 12 trap (common/offload.h).
  auto ex = co_await boost::asio::this_coro::executor;
  Wakeup ended(ex);
  const std::uint64_t id = s.listeners->add(
      ctx.scope(), granted, ctx.request_id(),
      [&ctx](std::string message) { return ctx.forward(std::move(message)); }, ended.waker());
  if (id == 0) {
    if (watch) co_await watch->stop();
    co_return Outcome::fail(jsonrpc::kInternalError, "Too many listen streams; retry later");
  }
  ctx.on_cancel(ended.waker());
  spdlog::debug("request {}: listening ({} open)", ctx.log_id(), s.listeners->size());
  while (!ctx.cancelled() && !s.listeners->closed()) {
    const bool woken = co_await ended.wait(std::chrono::hours(1));
    (void)woken;
  }
  s.listeners->remove(id);
  if (watch) co_await watch->stop();
  co_return Outcome::ok(json::object{{"_meta", meta}});
}

}  // namespace mcpgw::mcp::subscriptions
