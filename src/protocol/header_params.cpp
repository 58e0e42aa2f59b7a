#include "protocol/header_params.h"

#include <boost/json.hpp>
#include <cctype>
#include <cmath>

#include "protocol/header_value.h"
#include "protocol/names.h"

namespace mcpgw::protocol {
namespace json = boost::json;

namespace {

constexpr int kMaxDepth = 16;

// An RFC 9110 token, as a field name must be. Any other annotation (a space, ':', CR or LF) would
// make the request mcpgw sends upstream malformed, or add a header of the schema's choosing.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
      return false;
  return true;
}

void collect(const json::object& schema, std::vector<std::string>& path,
             std::vector<HeaderParam>& out, int depth) {
  if (depth > kMaxDepth) return;
  const auto* props = schema.if_contains("properties");
  if (!props || !props->is_object()) return;
  for (const auto& [key, sub] : props->get_object()) {
    if (!sub.is_object()) continue;
    path.emplace_back(key);
    const auto& s = sub.get_object();
    if (const auto* h = s.if_contains("x-mcp-header");
        h && h->is_string() && is_token(h->get_string()))
      out.push_back({std::string(header::kParamPrefix) + std::string(h->get_string()), path});
    collect(s, path, out, depth + 1);
    path.pop_back();
  }
}

}  // namespace

std::vector<HeaderParam> header_params(const json::value& input_schema) {
  std::vector<HeaderParam> out;
  if (!input_schema.is_object()) return out;
  std::vector<std::string> path;
  collect(input_schema.get_object(), path, out, 0);
  return out;
}

std::optional<std::string> header_param_text(const json::value& arguments,
                                             const std::vector<std::string>& path) {
  const json::value* v = &arguments;
  for (const auto& key : path) {
    if (!v->is_object()) return std::nullopt;
    v = v->get_object().if_contains(key);
    if (!v) return std::nullopt;
  }
  switch (v->kind()) {
    case json::kind::string:
      return std::string(v->get_string());
    case json::kind::int64:
      return std::to_string(v->get_int64());
    case json::kind::uint64:
      return std::to_string(v->get_uint64());
    case json::kind::double_: {
      // An integer written as 42.0 is still an integer.
      const double d = v->get_double();
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9.0e15)
        return std::to_string(static_cast<long long>(d));
      return std::nullopt;
    }
    case json::kind::bool_:
      return v->get_bool() ? "true" : "false";
    default:
      return std::nullopt;
  }
}

std::optional<std::string> header_param_value(const json::value& arguments,
                                              const std::vector<std::string>& path) {
  auto text = header_param_text(arguments, path);
  if (!text) return std::nullopt;
  return encode_header_value(*text);
}

}  // namespace mcpgw::protocol
