#include "mcp/resource_watch.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>
#include <map>

#include "common/wakeup.h"
#include "gateway/federation.h"
#include "mcp/context.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;

ResourceWatch::ResourceWatch(gateway::Federation& federation, Deliver deliver)
    : federation_(federation), deliver_(std::move(deliver)) {}

ResourceWatch::~ResourceWatch() {
  for (auto& u : upstreams_)
    u->abort->fire();
}

awaitable<std::vector<std::string>> ResourceWatch::subscribe(const RequestContext& ctx,
                                                             std::vector<Wanted> wanted) {
  std::map<std::string, std::vector<Wanted>> by_gateway;
  for (auto& w : wanted)
    by_gateway[w.binding->endpoint->gateway_id].push_back(std::move(w));
  // The session asks the client for nothing: no capabilities declared upstream.
  gateway::UpstreamSession::ClientIdentity who;
  if (ctx.envelope()) who.client_info = ctx.envelope()->client_info;
  if (!who.client_info.contains("name")) who.client_info = gateway::mcpgw_client_info();
  std::vector<std::string> granted;
  for (auto& [gateway_id, ws] : by_gateway) {
    auto u = std::make_unique<Upstream>();
    u->session = std::make_shared<gateway::UpstreamSession>(federation_.http(),
                                                            ws.front().binding->endpoint, who);
    for (auto& w : ws) {
      const std::string params = json::serialize(json::object{{"uri", w.binding->original}});
      gateway::UpstreamResult r =
          co_await u->session->request(protocol::method::kResourcesSubscribe, params, nullptr);
      if (!r.ok()) {
        spdlog::info("request {}: subscribing to {} on upstream {} failed: {}", ctx.log_id(), w.uri,
                     w.binding->endpoint->name, r.error ? r.error->message : r.failure->text());
        continue;
      }
      granted.push_back(w.uri);
      u->wanted.push_back(std::move(w));
    }
    if (u->wanted.empty()) {
      co_await u->session->close();
      continue;
    }
    upstreams_.push_back(std::move(u));
  }
  co_return granted;
}

awaitable<void> ResourceWatch::follow(Upstream& u, std::string log_id) {
  constexpr auto kIdle = std::chrono::minutes(5);
  auto ex = co_await asio::this_coro::executor;
  gateway::UpstreamSession::OnMessage on_message = [this, &u](gateway::UpstreamMessage& m) {
    if (m.message.method != protocol::notification::kResourceUpdated ||
        !m.message.params.is_object())
      return;
    json::object params = m.message.params.get_object();
    const auto* uri = params.if_contains("uri");
    if (!uri || !uri->is_string()) return;
    for (const auto& w : u.wanted)
      if (w.binding->original == uri->get_string()) {
        params["uri"] = w.uri;
        if (auto* meta = params.if_contains("_meta"); meta && meta->is_object())
          meta->get_object().erase(protocol::meta::kSubscriptionId);  // the upstream stream's
        deliver_(params);
        return;
      }
  };
  int failures = 0;
  while (!u.abort->fired()) {
    std::optional<gateway::UpstreamError> why;
    if (u.session->modern())
      why = co_await u.session->listen_resources(on_message, u.abort, kIdle);
    else
      why = co_await u.session->listen(on_message, u.abort, kIdle);
    if (u.abort->fired()) break;
    if (why && why->kind == gateway::UpstreamError::Kind::http_status && why->http_status == 405)
      break;  // no GET stream: no updates to follow
    if (!why || why->kind == gateway::UpstreamError::Kind::timeout) {
      failures = 0;
      continue;
    }
    ++failures;
    spdlog::debug("request {}: resource updates of upstream {} failed ({}); again in {} s", log_id,
                  u.session->endpoint().name, why->text(), std::min(failures, 30));
    Wakeup pause(ex);
    const bool woken = co_await pause.wait(std::chrono::seconds(std::min(failures, 30)));
    (void)woken;
  }
}

void ResourceWatch::start(const std::string& log_id) {
  for (auto& u : upstreams_) {
    {
      std::lock_guard lock(mutex_);  // an earlier follower may already be ending
      ++following_;
    }
    Upstream* raw = u.get();
    asio::co_spawn(
        asio::make_strand(federation_.http().executor()),
        [this, raw, log_id]() -> awaitable<void> {
          try {
            co_await follow(*raw, log_id);
          } catch (const std::exception& e) {
            spdlog::error("request {}: following resource updates failed: {}", log_id, e.what());
          }
          std::function<void()> done;
          {
            std::lock_guard lock(mutex_);
            if (--following_ == 0) done = all_done_;
          }
          if (done) done();
        },
        asio::detached);
  }
}

awaitable<void> ResourceWatch::stop() {
  for (auto& u : upstreams_) {
    u->abort->fire();
    u->session->stop_listener();  // wakes a modern follower waiting for its set to change
  }
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    Wakeup done(ex);
    {
      std::lock_guard lock(mutex_);
      if (following_ == 0) break;
      all_done_ = done.waker();
    }
    const bool woken = co_await done.wait(std::chrono::seconds(1));
    (void)woken;
  }
  for (auto& u : upstreams_)
    co_await u->session->close();
  upstreams_.clear();
}

}  // namespace mcpgw::mcp
