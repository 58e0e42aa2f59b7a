#include "gateway/policy.h"

#include <algorithm>
#include <boost/json.hpp>

#include "common/claims.h"

namespace mcpgw::gateway {
namespace json = boost::json;

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

constexpr std::size_t kMaxEntries = 1000, kMaxText = 500;

// A list of non-empty strings (absent or null: empty).
bool read_strings(const json::object& o, const char* field, std::vector<std::string>& out,
                  PolicyError& error) {
  auto it = o.find(field);
  if (it == o.end() || it->value().is_null()) return true;
  auto bad = [&] {
    error = {field, "must be an array of non-empty strings (at most 1000, each at most 500)"};
    return false;
  };
  if (!it->value().is_array() || it->value().get_array().size() > kMaxEntries) return bad();
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string() || v.get_string().empty() || v.get_string().size() > kMaxText) return bad();
    out.emplace_back(v.get_string());
  }
  return true;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) {
  // Iterative, with one backtrack point: linear in practice, no recursion on hostile patterns.
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*')
    ++p;
  return p == pattern.size();
}

bool Policy::applies_to(const Caller& caller) const {
  if (!subjects.empty() && !contains(subjects, caller.subject)) return false;
  if (!scopes.empty() && std::none_of(scopes.begin(), scopes.end(), [&](const std::string& s) {
        return contains(caller.scopes, s);
      }))
    return false;
  for (const auto& [path, value] : claims)
    if (!caller.claims || !claim_holds(claim_at(*caller.claims, path), value)) return false;
  return true;
}

bool Policy::covers(PolicyList list, std::string_view key) const {
  const auto& patterns = list == PolicyList::tools       ? tools
                         : list == PolicyList::resources ? resources
                                                         : prompts;
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return glob_match(p, key); });
}

std::optional<Policy> policy_rule_from_json(const json::object& o, PolicyError& error) {
  Policy p;
  auto effect = o.find("effect");
  if (effect == o.end() || !effect->value().is_string() ||
      (effect->value().get_string() != "allow" && effect->value().get_string() != "deny")) {
    error = {"effect", "is required: \"allow\" or \"deny\""};
    return std::nullopt;
  }
  p.allow = effect->value().get_string() == "allow";
  if (auto s = o.find("server_id"); s != o.end() && !s->value().is_null()) {
    if (!s->value().is_string() || s->value().get_string().empty()) {
      error = {"server_id", "must be a server id or null (every server)"};
      return std::nullopt;
    }
    p.server_id = std::string(s->value().get_string());
  }
  for (const auto& [field, list] :
       {std::pair{"subjects", &p.subjects}, std::pair{"scopes", &p.scopes},
        std::pair{"tools", &p.tools}, std::pair{"resources", &p.resources},
        std::pair{"prompts", &p.prompts}})
    if (!read_strings(o, field, *list, error)) return std::nullopt;
  if (auto c = o.find("claims"); c != o.end() && !c->value().is_null()) {
    if (!c->value().is_object() || c->value().get_object().size() > kMaxEntries) {
      error = {"claims", "must be an object of claim path to string value"};
      return std::nullopt;
    }
    for (const auto& [k, v] : c->value().get_object()) {
      if (k.empty() || !v.is_string() || v.get_string().empty()) {
        error = {"claims", "each claim path needs a non-empty string value"};
        return std::nullopt;
      }
      p.claims.emplace_back(std::string(k), std::string(v.get_string()));
    }
  }
  if (p.tools.empty() && p.resources.empty() && p.prompts.empty()) {
    error = {"tools", "a policy must cover something: give tools, resources or prompts"};
    return std::nullopt;
  }
  return p;
}

json::object policy_rule_to_json(const Policy& p) {
  json::object claims;
  for (const auto& [k, v] : p.claims)
    claims[k] = v;
  return {{"effect", p.allow ? "allow" : "deny"},
          {"server_id", p.server_id ? json::value(*p.server_id) : json::value(nullptr)},
          {"subjects", json::value_from(p.subjects)},
          {"scopes", json::value_from(p.scopes)},
          {"claims", std::move(claims)},
          {"tools", json::value_from(p.tools)},
          {"resources", json::value_from(p.resources)},
          {"prompts", json::value_from(p.prompts)}};
}

void order_policies(std::vector<Policy>& rules) {
  std::sort(rules.begin(), rules.end(), [](const Policy& a, const Policy& b) {
    return std::tie(a.priority, a.name, a.id) < std::tie(b.priority, b.name, b.id);
  });
}

}  // namespace mcpgw::gateway
