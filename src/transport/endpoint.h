#pragma once
// The streamable HTTP endpoints: POST, GET and DELETE on /mcp and /servers/{id}/mcp.
#include <memory>

#include "config/config.h"

namespace boost::asio {
class thread_pool;
}
namespace mcpgw::http {
class HttpServer;
}
namespace mcpgw::mcp {
class Server;
}

namespace mcpgw::transport {

class SessionManager;

struct EndpointOptions {
  config::TransportConfig transport;
  bool loopback_bind = true;  // validate Host against DNS rebinding
};

void register_mcp_routes(http::HttpServer& server, EndpointOptions options,
                         SessionManager& sessions, const mcp::Server& mcp_server,
                         boost::asio::thread_pool& blocking);

// Exposed for tests.
struct Accepts {
  bool json = false;
  bool sse = false;
};
Accepts parse_accept(std::string_view header);
bool is_local_origin(std::string_view origin);
bool is_local_host(std::string_view host_header);

}  // namespace mcpgw::transport
