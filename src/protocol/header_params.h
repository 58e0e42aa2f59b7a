#pragma once
// Tool parameters the modern era mirrors in HTTP headers (2026-07-28,
// basic/transports/streamable-http, "Schema Extension"): an inputSchema property annotated
// "x-mcp-header": "<Name>" travels, besides the body, as "Mcp-Param-<Name>: <value>", so that
// intermediaries can route on it without reading the body.
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::protocol {

struct HeaderParam {
  std::string header;             // the whole header name: "Mcp-Param-<Name>"
  std::vector<std::string> path;  // the property path in the arguments
};

// The annotated properties of an inputSchema: those reached from the root through a chain of
// "properties" keys, annotated with a string that can be a header name (an RFC 9110 token; any
// other is ignored). Annotations elsewhere (under items, anyOf, $ref...) are not followed.
std::vector<HeaderParam> header_params(const boost::json::value& input_schema);

// The header value for the arguments' value at path, already encoded (header_value.h): a string
// as it is, an integer in decimal, a boolean as true/false. nullopt when the header is omitted:
// no value there, null, or a value of another type.
std::optional<std::string> header_param_value(const boost::json::value& arguments,
                                              const std::vector<std::string>& path);

// The same value unencoded, for comparing with a received header after decoding.
std::optional<std::string> header_param_text(const boost::json::value& arguments,
                                             const std::vector<std::string>& path);

}  // namespace mcpgw::protocol
