#pragma once
// Every name MCP puts on the wire that mcpgw spells: HTTP header names, method names and
// notification names. No other layer writes one of these as a literal.
#include <string_view>

namespace mcpgw::protocol {

// HTTP header names of the streamable HTTP transport (compared case-insensitively on the wire).
namespace header {
inline constexpr std::string_view kSessionId = "Mcp-Session-Id";
inline constexpr std::string_view kProtocolVersion = "MCP-Protocol-Version";
inline constexpr std::string_view kLastEventId = "Last-Event-ID";
inline constexpr std::string_view kOrigin = "Origin";
// Proxies buffer SSE without it.
inline constexpr std::string_view kAccelBuffering = "X-Accel-Buffering";
// Modern era: the body's method, and the name or URI a request is about, mirrored for
// intermediaries; tool parameters marked x-mcp-header travel as Mcp-Param-<name>.
inline constexpr std::string_view kMethod = "Mcp-Method";
inline constexpr std::string_view kName = "Mcp-Name";
inline constexpr std::string_view kParamPrefix = "Mcp-Param-";
}  // namespace header

// _meta keys of the modern era (2026-07-28).
namespace meta {
inline constexpr std::string_view kProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr std::string_view kClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr std::string_view kClientCapabilities =
    "io.modelcontextprotocol/clientCapabilities";
inline constexpr std::string_view kLogLevel = "io.modelcontextprotocol/logLevel";
inline constexpr std::string_view kServerInfo = "io.modelcontextprotocol/serverInfo";
inline constexpr std::string_view kSubscriptionId = "io.modelcontextprotocol/subscriptionId";
}  // namespace meta

// Requests.
namespace method {
inline constexpr std::string_view kInitialize = "initialize";
inline constexpr std::string_view kPing = "ping";
inline constexpr std::string_view kToolsList = "tools/list";
inline constexpr std::string_view kToolsCall = "tools/call";
inline constexpr std::string_view kResourcesList = "resources/list";
inline constexpr std::string_view kResourceTemplatesList = "resources/templates/list";
inline constexpr std::string_view kResourcesRead = "resources/read";
inline constexpr std::string_view kResourcesSubscribe = "resources/subscribe";
inline constexpr std::string_view kResourcesUnsubscribe = "resources/unsubscribe";
inline constexpr std::string_view kPromptsList = "prompts/list";
inline constexpr std::string_view kPromptsGet = "prompts/get";
inline constexpr std::string_view kCompletionComplete = "completion/complete";
inline constexpr std::string_view kLoggingSetLevel = "logging/setLevel";
// Modern era only.
inline constexpr std::string_view kServerDiscover = "server/discover";
inline constexpr std::string_view kSubscriptionsListen = "subscriptions/listen";
// Server to client.
inline constexpr std::string_view kSamplingCreateMessage = "sampling/createMessage";
inline constexpr std::string_view kElicitationCreate = "elicitation/create";
inline constexpr std::string_view kRootsList = "roots/list";
}  // namespace method

// Notifications.
namespace notification {
inline constexpr std::string_view kInitialized = "notifications/initialized";
inline constexpr std::string_view kCancelled = "notifications/cancelled";
inline constexpr std::string_view kProgress = "notifications/progress";
inline constexpr std::string_view kMessage = "notifications/message";
inline constexpr std::string_view kResourceUpdated = "notifications/resources/updated";
inline constexpr std::string_view kToolsListChanged = "notifications/tools/list_changed";
inline constexpr std::string_view kResourcesListChanged = "notifications/resources/list_changed";
inline constexpr std::string_view kPromptsListChanged = "notifications/prompts/list_changed";
inline constexpr std::string_view kSubscriptionsAcknowledged =
    "notifications/subscriptions/acknowledged";
// Every */list_changed ends so.
inline constexpr std::string_view kListChangedSuffix = "/list_changed";
}  // namespace notification

// The client capabilities behind server-to-client requests (sampling/createMessage,
// elicitation/create, roots/list): what mcpgw declares upstream on a client's behalf.
inline constexpr std::string_view kClientRequestCapabilities[] = {"sampling", "elicitation",
                                                                  "roots"};

// The params member a modern request's Mcp-Name header mirrors: "name" for tools/call and
// prompts/get, "uri" for resources/read; empty for every other method (no Mcp-Name).
inline std::string_view mirrored_name_field(std::string_view m) {
  if (m == method::kToolsCall || m == method::kPromptsGet) return "name";
  if (m == method::kResourcesRead) return "uri";
  return {};
}

}  // namespace mcpgw::protocol
