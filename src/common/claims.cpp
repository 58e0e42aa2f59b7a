#include "common/claims.h"

#include <algorithm>
#include <boost/json.hpp>

namespace mcpgw {
namespace json = boost::json;

std::vector<std::string> string_list(const json::value& v, bool split_spaces) {
  std::vector<std::string> out;
  auto add = [&](std::string_view s) {
    if (!split_spaces) {
      out.emplace_back(s);
      return;
    }
    std::size_t pos = 0;
    while (pos < s.size()) {
      auto end = s.find(' ', pos);
      if (end == std::string_view::npos) end = s.size();
      if (end > pos) out.emplace_back(s.substr(pos, end - pos));
      pos = end + 1;
    }
  };
  if (v.is_string()) add(v.get_string());
  if (v.is_array())
    for (const auto& item : v.get_array())
      if (item.is_string()) add(item.get_string());
  return out;
}

const json::value* claim_at(const json::object& claims, std::string_view path) {
  if (auto it = claims.find(path); it != claims.end()) return &it->value();
  const json::object* at = &claims;
  while (true) {
    const auto dot = path.find('.');
    auto it = at->find(path.substr(0, dot));
    if (it == at->end()) return nullptr;
    if (dot == std::string_view::npos) return &it->value();
    if (!it->value().is_object()) return nullptr;
    at = &it->value().get_object();
    path.remove_prefix(dot + 1);
  }
}

bool claim_holds(const json::value* claim, std::string_view value) {
  if (!claim) return false;
  if (claim->is_string() || claim->is_array()) {
    // A string is a space-separated list (scope); an array's elements are whole values.
    const auto values = string_list(*claim, claim->is_string());
    return std::find(values.begin(), values.end(), value) != values.end();
  }
  if (claim->is_bool()) return value == (claim->get_bool() ? "true" : "false");
  return false;
}

}  // namespace mcpgw
