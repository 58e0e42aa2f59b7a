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
}  // namespace header

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
// Every */list_changed ends so.
inline constexpr std::string_view kListChangedSuffix = "/list_changed";
}  // namespace notification

}  // namespace mcpgw::protocol
