#pragma once
// What every modern (2026-07-28) answer carries that a legacy one does not: resultType on each
// result, ttlMs and cacheScope on cacheable ones, mcpgw's serverInfo in _meta, and -32602 where
// the legacy era said -32002 (resource not found).
#include <string_view>

#include "mcp/identity.h"
#include "mcp/outcome.h"

namespace mcpgw::mcp {

// True for the methods whose complete results carry cache hints.
bool is_cacheable(std::string_view method);

// Completes the outcome of `method` for a modern client. A result relayed as text keeps its bytes;
// the members are put in front. What the result already has is kept (a modern upstream's own
// resultType), except that cacheScope is "private" whatever it said: what mcpgw answers depends
// on the caller's token.
void complete_modern(Outcome& out, std::string_view method, const ServerIdentity& identity);

}  // namespace mcpgw::mcp
