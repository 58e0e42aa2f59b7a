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

// "initialize" negotiation: the client's version when supported, else the newest we speak.
std::string negotiate_version(const boost::json::value& requested);

}  // namespace mcpgw::mcp
