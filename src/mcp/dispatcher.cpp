#include "mcp/dispatcher.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace mcpgw::mcp {

MethodMetrics MethodMetrics::make(std::string_view method) {
  MethodMetrics m;
  if (!metrics::enabled()) return m;
  auto& reg = metrics::registry();
  auto& total = reg.counter("mcpgw_mcp_requests_total",
                            "MCP requests by method and outcome (error: a JSON-RPC error answer)",
                            {"method", "outcome"});
  m.ok = &total.with({method, "ok"});
  m.error = &total.with({method, "error"});
  m.duration = &reg.histogram("mcpgw_mcp_request_duration_seconds",
                              "Time from an MCP request's dispatch to its answer", {"method"})
                    .with({method});
  return m;
}

void MethodMetrics::record(bool failed, std::chrono::steady_clock::duration took) const {
  if (!duration) return;
  (failed ? error : ok)->inc();
  duration->observe(std::chrono::duration<double>(took).count());
}

void Dispatcher::on_request(std::string_view method, HandlerEntry entry) {
  entry.metrics = MethodMetrics::make(method);
  requests_[std::string(method)] = std::move(entry);
}

void Dispatcher::on_notification(std::string_view method, NotificationHandler handler) {
  notifications_[std::string(method)] = std::move(handler);
}

const HandlerEntry* Dispatcher::find(std::string_view method, Eras era) const {
  auto it = requests_.find(std::string(method));
  return it == requests_.end() || !it->second.in(era) ? nullptr : &it->second;
}

boost::asio::awaitable<Outcome> Dispatcher::run(RequestContext& ctx,
                                                const jsonrpc::Message& request) const {
  const auto started = std::chrono::steady_clock::now();
  const HandlerEntry* entry = find(request.method, ctx.modern() ? kModern : kLegacy);
  if (!entry) {
    unknown_.record(true, std::chrono::steady_clock::now() - started);
    co_return Outcome::fail(jsonrpc::kMethodNotFound, "Method not found: " + request.method);
  }
  Outcome out = co_await run_entry(ctx, *entry, request);
  entry->metrics.record(out.error.has_value(), std::chrono::steady_clock::now() - started);
  co_return out;
}

boost::asio::awaitable<Outcome> Dispatcher::run_entry(RequestContext& ctx,
                                                      const HandlerEntry& entry,
                                                      const jsonrpc::Message& request) const {
  static const json::object kNoParams;
  if (!request.params.is_null() && !request.params.is_object())
    co_return Outcome::fail(jsonrpc::kInvalidParams, "Invalid params: expected an object");
  const json::object& params = request.params.is_object() ? request.params.get_object() : kNoParams;
  try {
    co_return co_await entry.handler(ctx, params);
  } catch (const std::exception& e) {
    spdlog::error("request {}: {} failed: {}", ctx.log_id(), request.method, e.what());
  }
  co_return Outcome::fail(jsonrpc::kInternalError,
                          "Internal error (see the server log for request " + ctx.log_id() + ")");
}

Answer Dispatcher::answer(const json::value& id, Outcome out) {
  if (out.error) return {json::serialize(jsonrpc::error_response(id, *out.error)), true};
  if (!out.raw.empty()) return {jsonrpc::response_text(id, out.raw), false};
  return {json::serialize(jsonrpc::response(id, std::move(out.result))), false};
}

boost::asio::awaitable<Answer> Dispatcher::handle(RequestContext& ctx,
                                                  const jsonrpc::Message& request) const {
  Outcome out = co_await run(ctx, request);
  co_return answer(request.id, std::move(out));
}

void Dispatcher::notify(RequestContext& ctx, const jsonrpc::Message& notification) const {
  auto it = notifications_.find(notification.method);
  if (it == notifications_.end()) return;
  static const json::object kNoParams;
  const json::object& params =
      notification.params.is_object() ? notification.params.get_object() : kNoParams;
  try {
    it->second(ctx, params);
  } catch (const std::exception& e) {
    spdlog::error("request {}: notification {} failed: {}", ctx.log_id(), notification.method,
                  e.what());
  }
}

}  // namespace mcpgw::mcp
