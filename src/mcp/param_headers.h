#pragma once
// The Mcp-Param-* headers of a modern tools/call, checked against the body (2026-07-28,
// basic/transports/streamable-http, "Server Validation"): each parameter the tool's inputSchema
// marks with x-mcp-header must travel in its header when the arguments have a value for it, and
// the header, decoded, must equal that value; a header for a parameter with no value, or one
// that does not decode, is refused too. Headers no parameter names are not mcpgw's business.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/catalog.h"
#include "mcp/envelope.h"
#include "protocol/message.h"

namespace mcpgw::mcp {

// Received headers: (name as sent, value as sent), only those that start with Mcp-Param-.
using ParamHeaders = std::vector<std::pair<std::string, std::string>>;

// nullopt when the headers agree with the tool (or the request is no tools/call of a tool the
// scope has); else the 400 -32020 refusal, naming the header.
std::optional<Refusal> check_param_headers(const gateway::Catalog& catalog,
                                           const gateway::Scope& scope,
                                           const jsonrpc::Message& request,
                                           const ParamHeaders& received);

}  // namespace mcpgw::mcp
