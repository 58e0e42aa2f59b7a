#pragma once
// The params of each method mcpgw answers, parsed before its handler runs (parse-then-handle):
// a handler gets them typed, and params that do not parse are answered -32602 with the reason in
// one place (HandlerEntry::parsed in mcp/dispatcher.h). Pointers point into the request's own
// params object, which outlives the handler.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::mcp {

namespace json = boost::json;

// Each type's parse gives the reason its params are invalid ("name must be a string"), or nullopt.
struct NoParams {
  static std::optional<std::string> parse(const json::object&, NoParams&) { return std::nullopt; }
};

struct InitializeParams {
  std::string protocol_version;
  const json::object* capabilities = nullptr;
  const json::object* client_info = nullptr;  // has a name
  static std::optional<std::string> parse(const json::object& raw, InitializeParams& p);
};

// tools/list, resources/list, resources/templates/list, prompts/list.
struct ListParams {
  std::optional<std::string> after;  // the key the cursor names
  static std::optional<std::string> parse(const json::object& raw, ListParams& p);
};

struct CallToolParams {
  std::string name;
  const json::object* arguments = nullptr;  // never null: empty when absent
  const json::object* raw = nullptr;        // the whole params, for an upstream
  static std::optional<std::string> parse(const json::object& raw, CallToolParams& p);
};

// resources/read, resources/subscribe, resources/unsubscribe.
struct UriParams {
  std::string uri;
  const json::object* raw = nullptr;
  static std::optional<std::string> parse(const json::object& raw, UriParams& p);
};

struct GetPromptParams {
  std::string name;
  const json::object* raw = nullptr;
  static std::optional<std::string> parse(const json::object& raw, GetPromptParams& p);
};

struct CompleteParams {
  bool prompt = false;  // ref/prompt (by name), else ref/resource (by uri)
  std::string key;      // the prompt's name or the template's or resource's URI
  const json::object* raw = nullptr;
  // The member of ref that holds key.
  const char* key_field() const { return prompt ? "name" : "uri"; }
  static std::optional<std::string> parse(const json::object& raw, CompleteParams& p);
};

// subscriptions/listen: the notifications filter (each member optional).
struct ListenParams {
  bool tools = false, prompts = false, resources = false;
  std::vector<std::string> resource_uris;  // resourceSubscriptions
  static constexpr std::size_t kMaxResourceSubscriptions = 100;
  static std::optional<std::string> parse(const json::object& raw, ListenParams& p);
};

struct SetLevelParams {
  std::string level;
  static std::optional<std::string> parse(const json::object& raw, SetLevelParams& p);
};

// Opaque list cursors: the hex of the last key of the previous page.
std::string encode_cursor(std::string_view key);
std::optional<std::string> decode_cursor(std::string_view cursor);

}  // namespace mcpgw::mcp
