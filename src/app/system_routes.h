#pragma once
// /health (liveness), /ready (database reachable and not draining), /version, and the RFC 9728
// protected-resource metadata. All open.
namespace boost::asio {
class thread_pool;
}
namespace mcpgw::http {
class HttpServer;
}
namespace mcpgw::store {
class CatalogStore;
}
namespace mcpgw::auth {
class ProtectedResource;
}
namespace mcpgw::gateway {
class CatalogService;
}

namespace mcpgw::app {
void register_system_routes(http::HttpServer& server, store::CatalogStore& db,
                            boost::asio::thread_pool& blocking);
// GET /metrics: the process's metrics registry (common/metrics.h), for the metrics or admin scope.
void register_metrics_route(http::HttpServer& server);
// RFC 9728 documents (open): /.well-known/oauth-protected-resource, .../mcp and
// .../servers/<id>/mcp (404 for a server the catalog does not have).
void register_resource_metadata_routes(http::HttpServer& server,
                                       const auth::ProtectedResource& resource,
                                       const gateway::CatalogService& catalog);
}  // namespace mcpgw::app
