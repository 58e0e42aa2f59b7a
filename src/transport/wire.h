#pragma once
// The wire of the streamable HTTP transport, apart from any session: JSON-RPC error responses,
// SSE framing, the Accept and Content-Type rules, and the Origin and Host checks against DNS
// rebinding.
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/origin.h"
#include "protocol/message.h"

namespace mcpgw::transport {

// An error on the MCP endpoint: the HTTP status with a JSON-RPC error object, as MCP clients
// expect.
http::Response rpc_error(http::Status status, int code, std::string_view message,
                         const boost::json::value& id = nullptr);
// The same with a whole JSON-RPC error (its data too).
http::Response rpc_error(http::Status status, const jsonrpc::Error& error,
                         const boost::json::value& id);

// What the MCP routes need: the mcp scope; a refusal after admission (429) as a JSON-RPC error.
http::Access mcp_access();

// One SSE event carrying one JSON-RPC message; id may be empty (a stream without ids).
std::string sse_event(std::string_view id, std::string_view data);
// 2025-11-25: an event with an id and empty data, so a client can resume a stream that has not
// carried a message yet, with a retry hint. Older clients choke on it and never get one.
std::string sse_priming(std::string_view id, int retry_ms);
// What a client resuming a stream is told when the events it asks for are no longer kept (an
// SSE event without an id, so its Last-Event-ID stays as it was): a notifications/message at
// level warning from logger "mcpgw", data {message, lastEventId, ...detail}.
std::string lost_events_notice(std::string_view last_event_id, std::string_view message,
                               boost::json::object detail);
// The head of an SSE response (no caching, no proxy buffering), with the session id when given.
http::Response sse_response(const std::string* session_id);

std::optional<std::string_view> header(const http::Request& req, std::string_view name);
// The media type of a Content-Type or Accept item is `type` (case-insensitive, parameters ignored).
bool media_is(std::string_view value, std::string_view type);

struct Accepts {
  bool json = false;
  bool sse = false;
};
Accepts parse_accept(std::string_view header);
using http::is_local_host;
using http::is_local_origin;

}  // namespace mcpgw::transport
