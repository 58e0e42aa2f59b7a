#pragma once
// /v1/gateways (admin scope): register upstream MCP servers by URL, read them with their health
// and discovery state, change, delete and refresh them. A write republishes the catalog, which
// (re)starts the gateway's monitor; registration and refresh wait for the discovery and report it.
#include <string>

namespace boost::asio {
class thread_pool;
}
namespace mcpgw::gateway {
class CatalogSync;
class Federation;
}  // namespace mcpgw::gateway
namespace mcpgw::http {
class HttpServer;
}
namespace mcpgw::store {
class CatalogStore;
}

namespace mcpgw::admin {

void register_gateway_routes(http::HttpServer& server, store::CatalogStore& db,
                             gateway::CatalogSync& sync, gateway::Federation& federation,
                             boost::asio::thread_pool& blocking,
                             const std::string& credentials_key);

}  // namespace mcpgw::admin
