#include "http/site.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/beast/http/field.hpp>
#include <cctype>
#include <cstdint>

#include "common/crypto.h"
#include "common/unavailable.h"
#include "http/date.h"
#include "observability/access_log.h"

namespace mcpgw::http {
namespace bhttp = boost::beast::http;

namespace {

std::string_view path_only(std::string_view target) {
  return target.substr(0, target.find('?'));
}

// One log line a second while a dependency is down, not one per request: an outage under load
// would otherwise flood the log with the same cause.
bool log_outage_now() {
  static std::atomic<std::int64_t> last{0};
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  auto seen = last.load(std::memory_order_relaxed);
  return seen != now && last.compare_exchange_strong(seen, now, std::memory_order_relaxed);
}

// 429 with Retry-After in whole seconds (at least 1), in the route's error shape.
Response too_many_requests(const Access& access, std::chrono::milliseconds retry_after) {
  const auto seconds = std::max<std::int64_t>(1, (retry_after.count() + 999) / 1000);
  const std::string message = "rate limit exceeded: retry in " + std::to_string(seconds) + " s";
  Response res = error_response(Status::too_many_requests, "too_many_requests", message);
  if (access.rpc_refusal) {
    res.body() = access.rpc_refusal(message);
    res.prepare_payload();
  }
  res.set(bhttp::field::retry_after, std::to_string(seconds));
  return res;
}

}  // namespace

boost::asio::awaitable<Response> Site::dispatch(const Request& req, Exchange& ctx,
                                                RequestTrace& trace) const {
  RouteMatch m = router.match(req.method_string(), req.target());
  switch (m.kind) {
    case RouteMatch::Kind::bad_path:
      co_return error_response(Status::bad_request, "bad_request", "malformed request target");
    case RouteMatch::Kind::not_found:
      co_return error_response(Status::not_found, "not_found", "no such route");
    case RouteMatch::Kind::method_not_allowed: {
      // A browser's CORS preflight for a route that exists.
      if (cors && req.method() == bhttp::verb::options &&
          req.find(bhttp::field::origin) != req.end())
        co_return cors->preflight(req, m.allow);
      auto res = error_response(Status::method_not_allowed, "method_not_allowed",
                                "method not allowed on this route");
      res.set(bhttp::field::allow, m.allow);
      co_return res;
    }
    case RouteMatch::Kind::found:
      break;
  }
  const RouteEntry& route = routes[m.index];
  trace.metrics = &route.metrics;
  ctx.params = std::move(m.params);
  try {
    // Inside the try: a guard that reads the database (API tokens) meets its outages too.
    if (route.access.kind != Access::Kind::open) {
      Guard::Verdict verdict = guard.admit(route.access, ctx);
      if (verdict.blocking) verdict = co_await guard.admit_blocking(route.access, ctx);
      trace.subject = std::move(verdict.subject);
      if (verdict.refusal) co_return std::move(*verdict.refusal);
      if (limits && limits->any()) {
        const auto d = limits->request(trace.subject);
        if (!d.allowed) co_return too_many_requests(route.access, d.retry_after);
      }
    }
    co_return co_await route.handler(ctx);
  } catch (const Unavailable& e) {
    if (log_outage_now())
      spdlog::error("request {} {} {}: unavailable: {}", ctx.request_id,
                    std::string(req.method_string()), path_only(req.target()), e.what());
    auto res = error_response(Status::service_unavailable, "unavailable",
                              "a service this request needs is unavailable; retry shortly (request "
                              "id " +
                                  ctx.request_id + ")");
    res.set(bhttp::field::retry_after, "1");
    co_return res;
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {}: handler failed: {}", ctx.request_id,
                  std::string(req.method_string()), path_only(req.target()), e.what());
  }
  co_return error_response(
      Status::internal_server_error, "internal_error",
      "the request failed; see the server log for request id " + ctx.request_id);
}

RouteMetrics RouteMetrics::make(std::string_view method, std::string_view route) {
  RouteMetrics m;
  if (!metrics::enabled()) return m;
  auto& reg = metrics::registry();
  auto& total = reg.counter("mcpgw_http_requests_total", "HTTP responses by route and status class",
                            {"method", "route", "status"});
  static constexpr std::string_view kClasses[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t i = 0; i < 5; ++i)
    m.status[i] = &total.with({method, route, kClasses[i]});
  m.duration = &reg.histogram("mcpgw_http_request_duration_seconds",
                              "Time from the request's arrival to its response's end "
                              "(a stream's whole life for SSE)",
                              {"method", "route"})
                    .with({method, route});
  return m;
}

void RouteMetrics::record(unsigned status, std::chrono::steady_clock::duration took) const {
  if (!duration) return;
  const unsigned cls = status >= 100 && status < 600 ? status / 100 - 1 : 4;
  this->status[cls]->inc();
  duration->observe(std::chrono::duration<double>(took).count());
}

void Site::log_access(const Request* req, std::string_view target, unsigned status,
                      std::size_t bytes, const RequestTrace& trace) const {
  const auto took = std::chrono::steady_clock::now() - trace.start;
  (trace.metrics ? trace.metrics : &unmatched)->record(status, took);
  if (!access_log) return;
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
  // Query strings are left out: they are the one place a careless client may put a secret.
  access_log->write({req ? std::string_view(req->method_string()) : std::string_view("-"),
                     path_only(target), status, bytes, us, trace.id, trace.subject, trace.peer});
}

void finish_headers(Response& res, const std::string& request_id) {
  res.set(bhttp::field::server, "mcpgw");
  res.set(bhttp::field::date, http_date());
  res.set("X-Request-Id", request_id);
  if (res.find(bhttp::field::cache_control) == res.end())
    res.set(bhttp::field::cache_control, "no-store");
}

std::string new_request_id() {
  static const std::string prefix = crypto::random_hex(4);
  static std::atomic<std::uint64_t> counter{0};
  return prefix + "-" + std::to_string(++counter);
}

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

}  // namespace mcpgw::http
