#pragma once
// The modern era (2026-07-28) on the MCP endpoints: every request a POST of its own, stateless,
// answered in JSON or on an SSE stream scoped to it; the headers that mirror the body
// (MCP-Protocol-Version, Mcp-Method, Mcp-Name) checked against it. Which era a request is in is
// decided per request by its shape (is_modern_post); the legacy endpoint hands modern ones here
// after the checks both eras make (Origin, Host, the virtual server).
#include <boost/asio/awaitable.hpp>
#include <memory>

#include "config/config.h"
#include "http/message.h"
#include "mcp/scope.h"

namespace mcpgw::mcp {
class Server;
}

namespace mcpgw::transport {

// Modern by its shape (basic/versioning): MCP-Protocol-Version names a revision of the modern
// era (served or not), or the body's request carries the modern envelope in params._meta. A
// request with neither is legacy, whatever else it carries.
bool is_modern_post(const http::Request& req);
// A GET or DELETE whose MCP-Protocol-Version names a modern-era revision.
bool names_modern_revision(const http::Request& req);

class ModernEndpoint : public std::enable_shared_from_this<ModernEndpoint> {
 public:
  ModernEndpoint(const config::TransportConfig& transport, const mcp::Server& server)
      : transport_(transport), server_(server) {}

  boost::asio::awaitable<http::Response> post(http::Exchange& hc, const mcp::Scope& scope);

 private:
  struct Job;
  boost::asio::awaitable<http::Response> answer_sse(http::Exchange& hc, std::shared_ptr<Job> job);
  static boost::asio::awaitable<void> run(std::shared_ptr<Job> job);

  const config::TransportConfig transport_;
  const mcp::Server& server_;
};

}  // namespace mcpgw::transport
