#pragma once
// The series of this node that are read when /metrics is scraped: its identity (node id,
// version), open legacy sessions, listen streams and the resource subscriptions its sessions
// hold. Taken out of the registry when this is destroyed, before what they read goes.
#include <cstdint>
#include <string>
#include <vector>

namespace mcpgw::transport {
class SessionManager;
}
namespace mcpgw::mcp {
class ListenHub;
}

namespace mcpgw::app {

class NodeMetrics {
 public:
  NodeMetrics(const std::string& node_id, const transport::SessionManager& sessions,
              const mcp::ListenHub& listeners);
  ~NodeMetrics();
  NodeMetrics(const NodeMetrics&) = delete;
  NodeMetrics& operator=(const NodeMetrics&) = delete;

 private:
  std::vector<std::uint64_t> ids_;
};

}  // namespace mcpgw::app
