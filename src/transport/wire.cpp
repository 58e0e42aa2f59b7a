#include "transport/wire.h"

#include <boost/beast/core/string.hpp>
#include <boost/json/serialize.hpp>

#include "auth/principal.h"
#include "protocol/errors.h"
#include "protocol/message.h"
#include "protocol/names.h"

namespace mcpgw::transport {
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using http::Response;
using http::Status;

// Errors on the MCP endpoint carry a JSON-RPC error object, as MCP clients expect.
Response rpc_error(Status status, int code, std::string_view message, const json::value& id) {
  return http::json_response(status, jsonrpc::error_response(id, {code, std::string(message), {}}));
}

Response rpc_error(Status status, const jsonrpc::Error& error, const json::value& id) {
  return http::json_response(status, jsonrpc::error_response(id, error));
}

std::string sse_event(std::string_view id, std::string_view data) {
  std::string out;
  out.reserve(data.size() + id.size() + 32);
  out += "event: message\n";
  if (!id.empty()) {
    out += "id: ";
    out += id;
    out += '\n';
  }
  out += "data: ";
  out += data;
  out += "\n\n";
  return out;
}

std::string sse_priming(std::string_view id, int retry_ms) {
  return "id: " + std::string(id) + "\nretry: " + std::to_string(retry_ms) + "\ndata: \n\n";
}

std::string lost_events_notice(std::string_view last_event_id, std::string_view message,
                               json::object detail) {
  detail["message"] = message;
  detail["lastEventId"] = last_event_id;
  json::object params{{"level", "warning"}, {"logger", "mcpgw"}, {"data", std::move(detail)}};
  return sse_event("", json::serialize(jsonrpc::notification(protocol::notification::kMessage,
                                                             std::move(params))));
}

Response sse_response(const std::string* session_id) {
  Response res{Status::ok, 11};
  res.set(bhttp::field::content_type, "text/event-stream");
  res.set(bhttp::field::cache_control, "no-cache, no-transform");
  res.set(protocol::header::kAccelBuffering, "no");
  if (session_id) res.set(protocol::header::kSessionId, *session_id);
  return res;
}

std::optional<std::string_view> header(const http::Request& req, std::string_view name) {
  auto it = req.find(name);
  if (it == req.end()) return std::nullopt;
  return it->value();
}

bool media_is(std::string_view value, std::string_view type) {
  const auto semi = value.find(';');
  auto media = value.substr(0, semi);
  while (!media.empty() && media.back() == ' ')
    media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ')
    media.remove_prefix(1);
  return boost::beast::iequals(media, type);
}

namespace {

bool token_listed(std::string_view header, std::initializer_list<std::string_view> types) {
  std::size_t pos = 0;
  while (pos <= header.size()) {
    auto end = header.find(',', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(pos, end - pos);
    pos = end + 1;
    // q=0 means "not acceptable".
    const auto q = item.find("q=");
    if (q != std::string_view::npos) {
      auto value = item.substr(q + 2);
      while (!value.empty() && value.back() == ' ')
        value.remove_suffix(1);
      if (value == "0" || value == "0.0" || value == "0.00" || value == "0.000") continue;
    }
    for (auto t : types)
      if (media_is(item, t)) return true;
  }
  return false;
}

}  // namespace

Accepts parse_accept(std::string_view header) {
  if (header.empty()) return {true, true};  // no Accept: anything goes
  return {token_listed(header, {"application/json", "application/*", "*/*"}),
          token_listed(header, {"text/event-stream", "text/*", "*/*"})};
}

http::Access mcp_access() {
  auto access = http::Access::require(auth::kScopeMcp);
  access.rpc_refusal = [](std::string_view message) {
    return std::string(
        rpc_error(http::Status::too_many_requests, protocol::error::kServerError, message).body());
  };
  return access;
}

}  // namespace mcpgw::transport
