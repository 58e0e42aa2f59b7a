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

}  // namespace mcpgw::transport
