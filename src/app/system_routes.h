#pragma once
// /health (liveness), /ready (database reachable and not draining), /version. All open.
namespace boost::asio {
class thread_pool;
}
namespace mcpgw::http {
class HttpServer;
}
namespace mcpgw::store {
class CatalogStore;
}

namespace mcpgw::app {
void register_system_routes(http::HttpServer& server, store::CatalogStore& db,
                            boost::asio::thread_pool& blocking);
}
