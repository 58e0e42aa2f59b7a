#pragma once
// Who mcpgw says it is to clients (initialize's serverInfo, the modern era's _meta serverInfo),
// and how long a modern client may keep a cacheable result.
#include <chrono>
#include <string>

namespace mcpgw::mcp {

struct ServerIdentity {
  std::string name = "mcpgw";
  std::string version;
  // ttlMs of modern cacheable results (lists, resources/read, server/discover).
  std::chrono::milliseconds cache_ttl{0};
};

}  // namespace mcpgw::mcp
