#pragma once
// The methods mcpgw answers itself: initialize, ping, logging/setLevel, the list methods over the
// catalog, completion/complete, and the notifications initialized and cancelled.
#include <boost/json/fwd.hpp>
#include <cstddef>
#include <string>

namespace mcpgw::gateway {
class CatalogService;
}

namespace mcpgw::mcp {

class Dispatcher;

struct ServerIdentity {
  std::string name = "mcpgw";
  std::string version;
};

inline constexpr std::size_t kPageSize = 100;

void register_core_handlers(Dispatcher& d, const gateway::CatalogService& catalog,
                            ServerIdentity identity);

}  // namespace mcpgw::mcp
