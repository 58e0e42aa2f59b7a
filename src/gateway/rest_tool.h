#pragma once
// A REST endpoint wrapped as an MCP tool: how arguments become an HTTP request, and how the
// answer becomes a CallToolResult.
#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/http_client.h"

namespace mcpgw::gateway {

struct RestBinding {
  std::string method = "POST";
  std::string url_template;  // may hold {name} placeholders filled from arguments
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{30'000};
  bool has_output_schema = false;
};

// Fills {name} placeholders (percent-encoded as one path segment); remaining arguments go into
// the query for GET and DELETE, into a JSON body otherwise. An error names what is missing.
struct BuiltRequest {
  std::optional<OutboundRequest> request;
  std::string error;
};
BuiltRequest build_rest_request(const RestBinding& b, const boost::json::object& arguments);

// 2xx: the body as text content (plus structuredContent when the tool has an output schema and
// the body is a JSON object). Anything else: isError with the status or the cause, and never
// structuredContent.
boost::json::object to_call_result(const OutboundResponse& r, const RestBinding& b);

// The arguments against the tool's input schema: required properties and the types of the
// properties present. The reason, or nullopt when they fit.
std::optional<std::string> check_arguments(const boost::json::object& input_schema,
                                           const boost::json::object& arguments);

}  // namespace mcpgw::gateway
