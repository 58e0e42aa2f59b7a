#pragma once
#include <algorithm>
#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::auth {

// The scopes mcpgw knows. A token carries a subset.
inline constexpr std::string_view kScopeAdmin = "admin";
inline constexpr std::string_view kScopeMcp = "mcp";
// Reads /metrics and nothing else: the token a Prometheus scrapes with.
inline constexpr std::string_view kScopeMetrics = "metrics";

bool is_known_scope(std::string_view s);

// Who is calling, as established from a verified bearer token.
struct Principal {
  std::string subject;
  std::vector<std::string> scopes;
  std::vector<std::string> servers;  // virtual server ids this caller may use; empty: all
  std::string token_kind;            // "jwt", "oidc", "api_token" or "anonymous"
  // The token's claims (JWTs; null for API tokens), for policies that decide on a claim.
  std::shared_ptr<const boost::json::object> claims{};

  bool has_scope(std::string_view s) const {
    return std::find(scopes.begin(), scopes.end(), s) != scopes.end();
  }
  bool may_use_server(std::string_view id) const {
    return servers.empty() || std::find(servers.begin(), servers.end(), id) != servers.end();
  }
};

}  // namespace mcpgw::auth
