#include "admin/tool_input.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <cctype>
#include <set>

#include "admin/fields.h"

namespace mcpgw::admin {
namespace json = boost::json;

namespace {

// MCP tool names: 1 to 128 of A-Z a-z 0-9 _ - . (2025-11-25).
bool valid_tool_name(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

// {name} placeholders are filled from arguments at call time; the URL must parse with them
// filled.
bool valid_url_template(const std::string& url) {
  std::string filled;
  bool open = false;
  for (char ch : url) {
    if (ch == '{') {
      open = true;
    } else if (ch == '}' && open) {
      open = false;
      filled += 'x';
    } else if (!open) {
      filled += ch;
    }
  }
  if (open) return false;  // an unclosed '{': gateway/rest_tool.cpp cannot fill it
  auto parsed = boost::urls::parse_absolute_uri(filled);
  return parsed && (parsed->scheme() == "http" || parsed->scheme() == "https");
}

}  // namespace

std::optional<ToolInput> read_tool(const json::object& b, FieldErrors& e, bool keep_credentials) {
  unknown_fields(
      b,
      {"name", "description", "integration_type", "request_type", "url", "headers", "input_schema",
       "output_schema", "annotations", "timeout_ms", "auth_type", "credentials", "tags", "enabled"},
      e);
  ToolInput t;
  auto name = opt_string(b, "name", e, 128);
  if (!name || !valid_tool_name(*name))
    e.add("name", "is required: 1 to 128 characters of A-Z, a-z, 0-9, '_', '-' and '.'");
  else
    t.name = *name;
  t.description = opt_string(b, "description", e).value_or("");
  auto it = opt_string(b, "integration_type", e, 16);
  if (!it || *it != "REST")
    e.add("integration_type",
          "must be \"REST\" (tools of upstream MCP servers come from /v1/gateways)");
  auto url = opt_string(b, "url", e, 2048);
  if (!url || !valid_url_template(*url))
    e.add("url", "is required: an absolute http or https URL ({name} placeholders allowed)");
  else
    t.url = *url;
  if (auto rt = opt_string(b, "request_type", e, 8)) {
    static const std::set<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    if (!methods.count(*rt))
      e.add("request_type", "must be one of GET, POST, PUT, PATCH, DELETE");
    else
      t.request_type = *rt;
  }
  if (auto s = opt_object(b, "input_schema", e)) {
    auto type = s->find("type");
    if (type == s->end() || !type->value().is_string() || type->value().get_string() != "object")
      e.add("input_schema", "must be a JSON Schema object with \"type\": \"object\"");
    else
      t.input_schema = std::move(*s);
  }
  t.output_schema = opt_object(b, "output_schema", e);
  t.annotations = opt_object(b, "annotations", e).value_or(json::object{});
  if (auto h = opt_object(b, "headers", e)) {
    for (const auto& kv : *h)
      if (!kv.value().is_string() || !valid_header(kv.key(), kv.value().get_string()))
        e.add("headers", "must map header names (tokens) to string values without CR or LF");
    t.headers = std::move(*h);
  }
  if (auto to = b.find("timeout_ms"); to != b.end()) {
    if (!to->value().is_int64() || to->value().get_int64() < 1 || to->value().get_int64() > 600'000)
      e.add("timeout_ms", "must be a whole number of milliseconds from 1 to 600000");
    else
      t.timeout_ms = to->value().get_int64();
  }
  auto credentials = read_credentials(b, e, keep_credentials);
  t.auth_type = std::move(credentials.auth_type);
  t.credentials = std::move(credentials.credentials);
  t.tags = read_tags(b, e);
  t.enabled = opt_bool(b, "enabled", e).value_or(true);
  if (!e.empty()) return std::nullopt;
  return t;
}

json::object tool_input_fields(const json::object& tool) {
  json::object out;
  for (std::string_view f :
       {"name", "description", "integration_type", "request_type", "url", "headers", "input_schema",
        "output_schema", "annotations", "timeout_ms", "auth_type", "tags", "enabled"})
    if (auto it = tool.find(f); it != tool.end() && !it->value().is_null()) out[f] = it->value();
  return out;
}

void check_discovered_tool_change(const json::object& body, const json::object& candidate,
                                  const json::object& stored, FieldErrors& errors) {
  for (const auto& kv : body) {
    if (kv.key() == "enabled" || kv.key() == "tags") continue;
    auto c = candidate.find(kv.key());
    auto s = stored.find(kv.key());
    const bool same = (c == candidate.end() || c->value().is_null())
                          ? (s == stored.end() || s->value().is_null())
                          : (s != stored.end() && s->value() == c->value());
    if (!same) errors.add(kv.key(), std::string(kDiscoveredToolMessage));
  }
}

}  // namespace mcpgw::admin
