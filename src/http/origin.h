#pragma once
// Origins and hosts: which are this machine's (the DNS-rebinding checks of a loopback server),
// and CORS for browser clients (transport.allowed_origins): the preflight answer and the headers
// every answer to an allowed Origin carries.
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace mcpgw::http {

// http(s)://localhost, 127.0.0.1 or [::1], any port, no path.
bool is_local_origin(std::string_view origin);
// A Host header naming localhost, 127.0.0.1 or [::1], any port.
bool is_local_host(std::string_view host_header);

class CorsPolicy {
 public:
  // allowed: exact origins; empty: this machine's origins only (is_local_origin).
  explicit CorsPolicy(std::vector<std::string> allowed) : allowed_(std::move(allowed)) {}
  bool allows(std::string_view origin) const;
  // An answer to a request from an allowed Origin: Access-Control-Allow-Origin (that origin),
  // Vary: Origin and Access-Control-Expose-Headers (Mcp-Session-Id, MCP-Protocol-Version,
  // WWW-Authenticate, X-Request-Id, Retry-After). Nothing for a request without one, or another.
  void decorate(const Request& req, Response& res) const;
  // The answer to an OPTIONS preflight for a route that takes `methods` ("GET, POST"): 204 with
  // the allowed methods and request headers, or 403 for an Origin not allowed.
  Response preflight(const Request& req, std::string_view methods) const;

 private:
  std::vector<std::string> allowed_;
};

}  // namespace mcpgw::http
