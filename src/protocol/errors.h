#pragma once
// The error codes MCP adds to JSON-RPC's own (jsonrpc::ErrorCode in protocol/message.h).
namespace mcpgw::protocol::error {

// A transport-level refusal (bad header, Origin, Accept, stateless GET...). The code the
// official SDKs answer such HTTP errors with.
inline constexpr int kServerError = -32000;
// The Mcp-Session-Id names no live session of this principal on this endpoint.
inline constexpr int kSessionNotFound = -32001;
// resources/read and subscribe of a URI no visible resource or template has.
inline constexpr int kResourceNotFound = -32002;

// Modern era (2026-07-28), each answered with HTTP 400:
// the HTTP headers disagree with the body, or a required one is missing or malformed;
inline constexpr int kHeaderMismatch = -32020;
// the request needs a client capability its envelope did not declare (data.requiredCapabilities);
inline constexpr int kMissingRequiredClientCapability = -32021;
// the request's revision is not served (data.supported, data.requested).
inline constexpr int kUnsupportedProtocolVersion = -32022;

// One of the three above: a peer's refusal of how a request reached it (headers, envelope,
// revision), not an answer to what the request asked.
constexpr bool is_era_refusal(int code) {
  return code == kHeaderMismatch || code == kMissingRequiredClientCapability ||
         code == kUnsupportedProtocolVersion;
}

}  // namespace mcpgw::protocol::error
