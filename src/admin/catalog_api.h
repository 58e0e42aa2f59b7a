#pragma once
// /v1/tools and /v1/servers (admin scope): register REST tools and virtual servers. Every
// committed write rebuilds the catalog snapshot, which tells live sessions (list_changed).
#include <string>

namespace boost::asio {
class thread_pool;
}
namespace mcpgw::gateway {
class CatalogSync;
}
namespace mcpgw::http {
class HttpServer;
}
namespace mcpgw::store {
class CatalogStore;
}

namespace mcpgw::admin {

// credentials_key (32 bytes) seals tool credentials; it must outlive the server.
void register_catalog_routes(http::HttpServer& server, store::CatalogStore& db,
                             gateway::CatalogSync& sync, boost::asio::thread_pool& blocking,
                             const std::string& credentials_key);

}  // namespace mcpgw::admin
