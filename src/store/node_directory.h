#pragma once
// The nodes that share one database: each one's heartbeat (its lease on the work it holds) and
// the messages one node hands to another (a client's answer that reached the wrong node). A
// single node (SQLite) has none: open_node_directory gives null.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace mcpgw::store {

struct NodeMessage {
  std::string session_id;
  std::string payload;
};

class NodeDirectory {
 public:
  virtual ~NodeDirectory() = default;
  // Blocking. Records that node_id is alive now, by the database's clock.
  virtual void heartbeat(const std::string& node_id) = 0;
  // Blocking. node_id stopped: what it held is anyone's at once (its heartbeat is zeroed; the
  // database's retention deletes the row once nothing refers to it).
  virtual void leave(const std::string& node_id) = 0;
  // Blocking. Whether node_id's last heartbeat is younger than lease.
  virtual bool alive(const std::string& node_id, std::chrono::milliseconds lease) = 0;
  // Blocking. Every node whose last heartbeat is younger than lease, by id.
  virtual std::vector<std::string> alive_nodes(std::chrono::milliseconds lease) = 0;
  // Blocking. Leaves a message for node_id (its feed is told: kMailboxChannel, node_id).
  virtual void post(const std::string& node_id, const NodeMessage& message) = 0;
  // Blocking. Takes (and deletes) the messages left for node_id, oldest first.
  virtual std::vector<NodeMessage> take(const std::string& node_id) = 0;

  static constexpr const char* kMailboxChannel = "mcpgw_mailbox";
};

}  // namespace mcpgw::store
