#pragma once
// The other nodes of a shared database, as the session layer needs them: a client's answer to a
// request that another node sent is handed to that node, and a session's end is told to all.
// Implemented in app/ over store::NodeDirectory and store::ChangeFeed; null for one node.
#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::transport {

class Peers {
 public:
  virtual ~Peers() = default;
  virtual const std::string& node_id() const = 0;
  // Blocking. The message arrives at that node's SessionManager::deliver_from_peer.
  virtual void send(const std::string& node_id, const std::string& session_id,
                    std::string message) = 0;
  // Whether this node does the chore now (one live node does each: "session:<id>" for the
  // renewal of a session's subscriptions that a dead node held).
  virtual bool leads(std::string_view chore) const = 0;
  // Blocking. Every node forgets the session (SessionManager::forget).
  virtual void session_ended(const std::string& session_id) = 0;
};

// "mcpgw-<node>-": how the server-to-client request ids of a node's sessions begin.
std::string request_id_prefix(std::string_view node_id);
// The node a server-to-client request id names; none for another form (one node's ids).
std::optional<std::string> node_of_request_id(std::string_view id);

}  // namespace mcpgw::transport
