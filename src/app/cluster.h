#pragma once
// This node among the others of one PostgreSQL database: its heartbeat (the lease on the POST
// streams it answers), the hand-over of a client's answer to the node that waits for it, and the
// notices that tell every node a session ended. The feed's handlers for the session layer's
// channels are subscribed here.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/change_feed.h"
#include "store/node_directory.h"
#include "transport/durable_event_store.h"
#include "transport/peers.h"
#include "transport/session_manager.h"

namespace mcpgw::app {

class Cluster final : public transport::Peers {
 public:
  // A node's heartbeat goes every kHeartbeat; one older than kLease is a dead node's.
  static constexpr std::chrono::milliseconds kHeartbeat{1000};
  static constexpr std::chrono::milliseconds kLease{5000};
  static constexpr const char* kSessionChannel = "mcpgw_session";

  Cluster(store::NodeDirectory& nodes, store::ChangeFeed& feed, std::string node_id);
  ~Cluster() override;  // stop()

  // Subscribes the feed's handlers (before the feed starts) and starts the heartbeat, after a
  // first one (blocking: throws DatabaseError when the database cannot take it). sessions and
  // events are null when the nodes do not share sessions (transport.event_store: memory).
  void start(transport::SessionManager* sessions, transport::DurableEventStore* events);
  // Ends the heartbeat and tells the others this node left (what it held is theirs at once).
  void stop();

  const std::string& node_id() const override { return node_id_; }
  // Whether this node does the chore (an upstream's health checks and discovery refreshes:
  // its gateway id; the database's retention: "retention") now. Each chore has one node of
  // those alive (rendezvous hashing over the heartbeats, refreshed with each of this node's),
  // so chores spread over the nodes and move when one dies (within the lease) or joins.
  bool leads(std::string_view chore) const override;
  void send(const std::string& node_id, const std::string& session_id,
            std::string message) override;
  void session_ended(const std::string& session_id) override;

 private:
  void beat();
  void refresh_alive();

  store::NodeDirectory& nodes_;
  store::ChangeFeed& feed_;
  const std::string node_id_;
  mutable std::mutex mutex_;  // stopping_, alive_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::vector<std::string> alive_;  // the other nodes alive at the last heartbeat
  std::thread heart_;
};

}  // namespace mcpgw::app
