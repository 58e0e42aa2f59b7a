#pragma once
// Values of the headers the modern era mirrors from the body (Mcp-Name, Mcp-Param-*): plain
// visible ASCII as it is, anything else as "=?base64?<base64 of the UTF-8>?=" (2026-07-28,
// basic/transports/streamable-http, "Value Encoding").
#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::protocol {

// value without the spaces and tabs around it (HTTP's optional whitespace).
std::string_view trim_ows(std::string_view value);

// The header value that carries `value`: itself when every byte is visible ASCII or an inner
// space and it does not look like the sentinel, else the sentinel form.
std::string encode_header_value(std::string_view value);

// What a received header value stands for: the value with surrounding spaces and tabs trimmed,
// decoded when it is in the sentinel form. nullopt when it is malformed: a control character or
// a byte outside ASCII, or a sentinel whose base64 does not decode.
std::optional<std::string> decode_header_value(std::string_view header);

}  // namespace mcpgw::protocol
