#pragma once
// What every connection of one HTTP server shares: the limits, the routes and their guard, the
// access log and the drain flag; and what it does to every request it answers. Private to http/.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <optional>

#include <string>
#include <string_view>
#include <vector>
#include "common/metrics.h"
#include "common/rate_limit.h"
#include "http/origin.h"

#include "config/config.h"
#include "http/guard.h"
#include "http/message.h"
#include "http/router.h"

namespace mcpgw::observability {
class AccessLog;
}

namespace mcpgw::http {

// A route's series in the metrics registry (null when metrics are off): responses by status
// class (1xx..5xx) and their durations.
struct RouteMetrics {
  metrics::Counter* status[5] = {};
  metrics::Histogram* duration = nullptr;
  static RouteMetrics make(std::string_view method, std::string_view route);
  void record(unsigned status, std::chrono::steady_clock::duration took) const;
};

struct RouteEntry {
  Access access;
  Handler handler;
  RouteMetrics metrics{};
};

// The facts of one request that its access-log line carries besides status and size.
struct RequestTrace {
  std::chrono::steady_clock::time_point start;
  std::string id;  // sent back as X-Request-Id
  std::string_view peer;
  std::string subject;                    // who the route's guard admitted; empty on open routes
  const RouteMetrics* metrics = nullptr;  // the matched route's; else the unmatched ones
};

struct Site {
  Site(const config::ServerConfig& cfg, const Guard& guard,
       std::shared_ptr<const observability::AccessLog> access_log)
      : cfg(cfg), guard(guard), access_log(std::move(access_log)) {}

  const config::ServerConfig cfg;
  const Guard& guard;
  std::shared_ptr<const observability::AccessLog> access_log;  // null for none
  Router router;
  std::vector<RouteEntry> routes;  // by router index; filled before the server starts
  RouteMetrics unmatched = RouteMetrics::make("-", "(unmatched)");
  std::atomic<bool> draining{false};
  std::optional<CorsPolicy> cors;  // set before the server starts; none: no CORS headers
  RateLimits* limits = nullptr;    // per-principal request limits; null: none

  // The route's answer, or the error that stands for it: no route, the guard's refusal, or a 500
  // for a handler that threw. Sets trace.subject when the route is guarded.
  boost::asio::awaitable<Response> dispatch(const Request& req, Exchange& ctx,
                                            RequestTrace& trace) const;
  // req is null when the request's head could not be read; target is then "-".
  void log_access(const Request* req, std::string_view target, unsigned status, std::size_t bytes,
                  const RequestTrace& trace) const;
};

// The fields every response carries: Server, Date, X-Request-Id and, unless the handler chose,
// Cache-Control: no-store.
void finish_headers(Response& res, const std::string& request_id);

// A per-process random prefix and a counter: unique and cheap, not a secret.
std::string new_request_id();
// An incoming X-Request-Id of safe characters is kept, so that ids follow a request through
// proxies.
bool acceptable_request_id(std::string_view id);

}  // namespace mcpgw::http
