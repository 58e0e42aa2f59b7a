#include "mcp/methods/params.h"

#include <boost/json.hpp>

#include "common/crypto.h"
#include "protocol/log_levels.h"

namespace mcpgw::mcp {
namespace {

const json::string* string_member(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? &v->get_string() : nullptr;
}
std::string must_be_string(std::string_view key) {
  return std::string(key) + " must be a string";
}

bool is_log_level(std::string_view l) {
  return protocol::log_level_rank(l) >= 0;
}

}  // namespace

// Cursors are opaque to clients. Keyset paging stays correct when the catalog changes between
// pages (nothing is skipped or repeated).
std::string encode_cursor(std::string_view key) {
  return crypto::to_hex(key);
}

std::optional<std::string> decode_cursor(std::string_view cursor) {
  if (cursor.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(cursor.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    const int hi = nibble(cursor[i]), lo = nibble(cursor[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::optional<std::string> InitializeParams::parse(const json::object& raw, InitializeParams& p) {
  const auto* v = string_member(raw, "protocolVersion");
  const auto* caps = raw.if_contains("capabilities");
  const auto* info = raw.if_contains("clientInfo");
  if (!v) return must_be_string("protocolVersion");
  if (!caps || !caps->is_object()) return "capabilities must be an object";
  if (!info || !info->is_object() || !info->get_object().contains("name"))
    return "clientInfo must be an object with a name";
  p.protocol_version = std::string(*v);
  p.capabilities = &caps->get_object();
  p.client_info = &info->get_object();
  return std::nullopt;
}

std::optional<std::string> ListParams::parse(const json::object& raw, ListParams& p) {
  const auto* c = raw.if_contains("cursor");
  if (!c || c->is_null()) return std::nullopt;
  if (!c->is_string() || !(p.after = decode_cursor(c->get_string()))) return "unknown cursor";
  return std::nullopt;
}

std::optional<std::string> CallToolParams::parse(const json::object& raw, CallToolParams& p) {
  static const json::object kNone;
  const auto* name = string_member(raw, "name");
  if (!name) return must_be_string("name");
  const auto* args = raw.if_contains("arguments");
  if (args && !args->is_object() && !args->is_null()) return "arguments must be an object";
  p.name = std::string(*name);
  p.arguments = args && args->is_object() ? &args->get_object() : &kNone;
  p.raw = &raw;
  return std::nullopt;
}

std::optional<std::string> UriParams::parse(const json::object& raw, UriParams& p) {
  const auto* uri = string_member(raw, "uri");
  if (!uri) return must_be_string("uri");
  p.uri = std::string(*uri);
  p.raw = &raw;
  return std::nullopt;
}

std::optional<std::string> GetPromptParams::parse(const json::object& raw, GetPromptParams& p) {
  const auto* name = string_member(raw, "name");
  if (!name) return must_be_string("name");
  p.name = std::string(*name);
  p.raw = &raw;
  return std::nullopt;
}

std::optional<std::string> CompleteParams::parse(const json::object& raw, CompleteParams& p) {
  const auto* ref = raw.if_contains("ref");
  const auto* arg = raw.if_contains("argument");
  if (!ref || !ref->is_object() || !arg || !arg->is_object())
    return "ref and argument are required";
  const json::object& r = ref->get_object();
  const auto* type = string_member(r, "type");
  const bool prompt = type && *type == "ref/prompt";
  const bool resource = type && *type == "ref/resource";
  p.prompt = prompt;
  const auto* key = string_member(r, p.key_field());
  if (!(prompt || resource) || !key)
    return "ref must be a ref/prompt with a name or a ref/resource with a uri";
  p.key = std::string(*key);
  p.raw = &raw;
  return std::nullopt;
}

std::optional<std::string> SetLevelParams::parse(const json::object& raw, SetLevelParams& p) {
  const auto* level = string_member(raw, "level");
  if (!level || !is_log_level(*level))
    return "level must be one of debug, info, notice, warning, error, critical, alert, emergency";
  p.level = std::string(*level);
  return std::nullopt;
}

std::optional<std::string> ListenParams::parse(const json::object& raw, ListenParams& p) {
  const auto* filter = raw.if_contains("notifications");
  if (!filter || !filter->is_object()) return "notifications must be an object";
  const auto& f = filter->get_object();
  for (auto [key, flag] :
       {std::pair{"toolsListChanged", &p.tools}, std::pair{"promptsListChanged", &p.prompts},
        std::pair{"resourcesListChanged", &p.resources}}) {
    const auto* v = f.if_contains(key);
    if (!v) continue;
    if (!v->is_bool()) return std::string("notifications.") + key + " must be a boolean";
    *flag = v->get_bool();
  }
  if (const auto* uris = f.if_contains("resourceSubscriptions")) {
    if (!uris->is_array()) return "notifications.resourceSubscriptions must be an array of URIs";
    // Each is a subscription upstream: a bound on what one stream may cost.
    if (uris->get_array().size() > ListenParams::kMaxResourceSubscriptions)
      return "notifications.resourceSubscriptions may name at most " +
             std::to_string(ListenParams::kMaxResourceSubscriptions) + " URIs";
    for (const auto& u : uris->get_array()) {
      if (!u.is_string()) return "notifications.resourceSubscriptions must be an array of URIs";
      p.resource_uris.emplace_back(u.get_string());
    }
  }
  return std::nullopt;
}

}  // namespace mcpgw::mcp
