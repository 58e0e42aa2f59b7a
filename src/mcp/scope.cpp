#include "mcp/scope.h"

namespace mcpgw::mcp {

ScopeCheck check_scope(const gateway::CatalogService& catalog, const auth::Principal& principal,
                       std::optional<std::string_view> server_id) {
  ScopeCheck c;
  c.scope.token_servers = principal.servers;
  c.scope.caller = {principal.subject, principal.scopes, principal.claims};
  if (!server_id) return c;
  const std::string id(*server_id);
  if (!catalog.current()->servers.count(id)) {
    c.refusal = ScopeCheck::Refusal::unknown_server;
    c.message = "Not Found: no virtual server '" + id + "'";
    return c;
  }
  if (!principal.may_use_server(id)) {
    c.refusal = ScopeCheck::Refusal::forbidden;
    c.message = "Forbidden: this token may not use server '" + id + "'";
    return c;
  }
  c.scope.server = id;
  return c;
}

}  // namespace mcpgw::mcp
