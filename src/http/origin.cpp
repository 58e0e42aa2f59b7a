#include "http/origin.h"

#include <boost/beast/core/string.hpp>

namespace mcpgw::http {
namespace bhttp = boost::beast::http;

namespace {

std::string_view host_part(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    return close == std::string_view::npos ? authority : authority.substr(0, close + 1);
  }
  return authority.substr(0, authority.find(':'));
}

bool local_name(std::string_view host) {
  return boost::beast::iequals(host, "localhost") || host == "127.0.0.1" || host == "[::1]";
}

// Request headers a browser client of MCP or the admin API sends (besides the CORS-safelisted).
bool allowed_request_header(std::string_view h) {
  static constexpr std::string_view kHeaders[] = {
      "authorization", "content-type", "mcp-session-id", "mcp-protocol-version", "last-event-id",
      "mcp-method",    "mcp-name",     "x-request-id",   "traceparent",          "tracestate"};
  for (auto k : kHeaders)
    if (boost::beast::iequals(h, k)) return true;
  constexpr std::string_view param = "mcp-param-";
  return h.size() > param.size() && boost::beast::iequals(h.substr(0, param.size()), param);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

bool is_local_origin(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"})
    if (origin.substr(0, scheme.size()) == scheme) {
      auto rest = origin.substr(scheme.size());
      if (rest.find('/') != std::string_view::npos) return false;
      return local_name(host_part(rest));
    }
  return false;
}

bool is_local_host(std::string_view host_header) {
  return local_name(host_part(host_header));
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (allowed_.empty()) return is_local_origin(origin);
  for (const auto& a : allowed_)
    if (a == origin) return true;
  return false;
}

void CorsPolicy::decorate(const Request& req, Response& res) const {
  auto origin = req.find(bhttp::field::origin);
  if (origin == req.end() || !allows(origin->value())) return;
  res.set(bhttp::field::access_control_allow_origin, origin->value());
  res.set(bhttp::field::vary, bhttp::to_string(bhttp::field::origin));
  res.set(bhttp::field::access_control_expose_headers,
          "Mcp-Session-Id, MCP-Protocol-Version, WWW-Authenticate, X-Request-Id, Retry-After");
}

Response CorsPolicy::preflight(const Request& req, std::string_view methods) const {
  auto origin = req.find(bhttp::field::origin);
  if (origin == req.end() || !allows(origin->value()))
    return error_response(Status::forbidden, "forbidden", "Origin not allowed");
  // Each header the browser asks for is granted when it is one MCP or the admin API uses.
  std::string granted;
  if (auto asked = req.find(bhttp::field::access_control_request_headers); asked != req.end()) {
    std::string_view list = asked->value();
    while (!list.empty()) {
      const auto comma = list.find(',');
      const auto h = trim(list.substr(0, comma));
      if (!h.empty() && allowed_request_header(h))
        granted += (granted.empty() ? "" : ", ") + std::string(h);
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  Response res{Status::no_content, 11};
  res.set(bhttp::field::access_control_allow_origin, origin->value());
  res.set(bhttp::field::vary, bhttp::to_string(bhttp::field::origin));
  res.set(bhttp::field::access_control_allow_methods, methods);
  if (!granted.empty()) res.set(bhttp::field::access_control_allow_headers, granted);
  res.set(bhttp::field::access_control_max_age, "600");
  return res;
}

}  // namespace mcpgw::http
