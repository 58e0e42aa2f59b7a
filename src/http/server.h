#pragma once
// HTTP/1.1 front door: listener, one coroutine per connection on its own strand, routing, a guard
// per route (the bearer auth of auth/route_guard.h), limits (header 431, body 413, read timeout
// 408, max connections 503), access log and graceful drain.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/rate_limit.h"
#include "config/config.h"
#include "http/guard.h"
#include "http/message.h"
#include "http/origin.h"

namespace boost::asio {
class io_context;
}
namespace mcpgw::observability {
class AccessLog;
}

namespace mcpgw::http {

class HttpServer {
 public:
  // guard: admits requests to routes that are not open. access_log: where the one line per
  // request goes; null for none.
  HttpServer(boost::asio::io_context& ioc, const config::ServerConfig& cfg, const Guard& guard,
             std::shared_ptr<const observability::AccessLog> access_log);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Before start() only.
  void route(std::string method, std::string_view pattern, Access access, Handler handler);
  const Router& router() const;
  // Before start() only: answer CORS preflights and decorate answers to allowed Origins.
  void set_cors(CorsPolicy cors);
  // Before start() only: every admitted request of a principal takes from its bucket (429 when
  // empty). limits must outlive the server.
  void set_rate_limits(RateLimits* limits);

  // Binds and listens; returns the bound port (useful with port 0). Throws std::system_error with
  // the address on failure.
  std::uint16_t start();

  // Stops accepting, closes idle keep-alive connections, lets in-flight requests finish (answered
  // with Connection: close) and cuts whatever remains after cfg.shutdown_grace. Calls on_drained
  // once no connection is left. Thread-safe; later calls are ignored.
  void drain(std::function<void()> on_drained);
  bool draining() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mcpgw::http
