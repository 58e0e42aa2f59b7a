#pragma once
// The per-request envelope of the modern era (2026-07-28): the revision, the client's
// capabilities and identity, and its log level, carried in every request's params._meta instead
// of a session. Read here, before the method runs, and refused with the code and HTTP status the
// revision prescribes.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/message.h"

namespace mcpgw::mcp {

namespace json = boost::json;

struct Envelope {
  std::string protocol_version;
  json::object client_capabilities;
  json::object client_info;  // empty when the request carried none
  // The least severe log level the client wants on this request's stream; none: no log messages.
  std::optional<std::string> log_level;
  // The request's Mcp-Param-* headers as sent (set by the transport): checked against the tool
  // called, and forwarded to a modern upstream.
  std::vector<std::pair<std::string, std::string>> param_headers{};

  bool has_capability(std::string_view name) const { return client_capabilities.contains(name); }
};

// A request refused before its method runs: the error to answer, and the HTTP status.
struct Refusal {
  unsigned http_status;
  jsonrpc::Error error;
};

// True when params carries the modern envelope's protocolVersion key (whatever its value): the
// request is a modern one by its shape.
bool has_envelope(const json::value& params);

// Reads the envelope of a modern request, given the MCP-Protocol-Version header (nullopt: there
// was none), in this order: protocolVersion missing or not a string → 400 -32602; the header
// missing or different → 400 -32020; a revision mcpgw does not serve → 400 -32022 with
// data.supported and data.requested; clientCapabilities missing or not an object, clientInfo or
// logLevel malformed → 400 -32602.
std::variant<Envelope, Refusal> read_envelope(const json::value& params,
                                              std::optional<std::string_view> header_version);

}  // namespace mcpgw::mcp
