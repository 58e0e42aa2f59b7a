#include "admin/server_input.h"

#include <algorithm>
#include <boost/json.hpp>

#include "admin/fields.h"

namespace mcpgw::admin {
namespace json = boost::json;

namespace {

std::vector<std::string> read_ids(const json::object& b, const char* field, FieldErrors& e) {
  std::vector<std::string> ids;
  auto it = b.find(field);
  if (it == b.end() || it->value().is_null()) return ids;
  auto bad = [&] { e.add(field, "must be an array of ids (non-empty strings)"); };
  if (!it->value().is_array() || it->value().get_array().size() > 10'000) {
    bad();
    return {};
  }
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string() || v.get_string().empty() || v.get_string().size() > 200) {
      bad();
      return {};
    }
    ids.emplace_back(v.get_string());
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace

std::optional<ServerInput> read_server(const json::object& b, FieldErrors& e) {
  unknown_fields(b,
                 {"name", "description", "tool_ids", "resource_ids", "prompt_ids",
                  "expose_original_names", "tags"},
                 e);
  ServerInput s;
  auto name = opt_string(b, "name", e, 200);
  if (!name || name->empty())
    e.add("name", "is required: a string of 1 to 200 characters");
  else
    s.name = *name;
  s.description = opt_string(b, "description", e).value_or("");
  s.tool_ids = read_ids(b, "tool_ids", e);
  s.resource_ids = read_ids(b, "resource_ids", e);
  s.prompt_ids = read_ids(b, "prompt_ids", e);
  s.expose_original_names = opt_bool(b, "expose_original_names", e).value_or(false);
  s.tags = read_tags(b, e);
  if (!e.empty()) return std::nullopt;
  return s;
}

}  // namespace mcpgw::admin
