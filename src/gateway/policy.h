#pragma once
// Per-item policies: which principals may see and use which tools, resources and prompts. Rules
// are stored in the database (/v1/policies) and live in the catalog snapshot, so a decision needs
// no database read. The first enabled rule, by priority (lowest first, then name), that applies
// to the caller and covers the item decides: allow shows it, deny hides it (lists leave it out,
// calls are refused as for an unknown name). No rule: allowed.
#include <boost/json/object.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpgw::gateway {

// Who is asking, as far as policies decide on it.
struct Caller {
  std::string subject;
  std::vector<std::string> scopes;
  std::shared_ptr<const boost::json::object> claims;  // the token's claims; null: none

  bool operator==(const Caller&) const = default;
};

// The item lists a rule covers.
enum class PolicyList { tools, resources, prompts };

struct Policy {
  std::string id, name;
  std::int64_t priority = 100;
  bool allow = true;
  // Set: only items of this virtual server (on every endpoint that shows them).
  std::optional<std::string> server_id;
  // Who: every condition that is set must hold (none set: everyone). Subjects and scopes: any
  // one of the list; claims: each (dotted path, value) as common/claims.h reads it.
  std::vector<std::string> subjects, scopes;
  std::vector<std::pair<std::string, std::string>> claims;
  // What: names (tools, prompts) or URIs (resources, templates) as /mcp lists them, with '*'
  // matching any run of characters. An empty list covers nothing of that kind.
  std::vector<std::string> tools, resources, prompts;

  bool applies_to(const Caller& caller) const;
  bool covers(PolicyList list, std::string_view key) const;
};

// '*' matches any run of characters (none too); everything else itself.
bool glob_match(std::string_view pattern, std::string_view text);

// The rule part of a policy as stored and as the admin API takes it: effect, server_id,
// subjects, scopes, claims, tools, resources, prompts. On a mistake, nullopt with the field and
// why. Unknown members are the caller's business (the admin API refuses them).
struct PolicyError {
  std::string field, message;
};
std::optional<Policy> policy_rule_from_json(const boost::json::object& rule, PolicyError& error);
boost::json::object policy_rule_to_json(const Policy& p);

// Sorts rules into deciding order: priority, then name, then id.
void order_policies(std::vector<Policy>& rules);

}  // namespace mcpgw::gateway
