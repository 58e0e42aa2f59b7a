#pragma once
// What a principal may see on an MCP endpoint: /mcp (everything its token may see) or
// /servers/<id>/mcp (that virtual server). Decided here, from the catalog snapshot; the
// transport only turns a refusal into its HTTP answer.
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "gateway/catalog.h"

namespace mcpgw::mcp {

using Scope = gateway::Scope;

struct ScopeCheck {
  enum class Refusal { none, unknown_server, forbidden };
  Scope scope;  // when refusal is none
  Refusal refusal = Refusal::none;
  std::string message;  // when refused: for the client
};

// server_id: the {id} of /servers/{id}/mcp; nullopt for /mcp, which needs no catalog lookup (the
// snapshot is loaded only for a virtual server, off the common path).
ScopeCheck check_scope(const gateway::CatalogService& catalog, const auth::Principal& principal,
                       std::optional<std::string_view> server_id);

}  // namespace mcpgw::mcp
