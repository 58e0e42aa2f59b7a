#pragma once
// An engine's durable sessions and events together: the writes of both are queued in one order,
// so that a session's removal and its events' erasure are applied as they were asked for.
#include <chrono>

#include "store/event_repository.h"
#include "store/session_repository.h"

namespace mcpgw::store {

// A POST stream of a session and the node that answers its requests, so that another node a
// client resumes it on can follow it, and answer for a node that died.
struct PostStreamRow {
  std::string stream_id;
  std::string session_id;
  std::string node_id;
  std::vector<std::string> request_ids;  // each one JSON value (a JSON-RPC id) as text
  bool finished = false;
  bool node_alive = true;  // its node's heartbeat is within the lease (find_post_stream)
};

// A session's subscription to a resource and the node that holds it in its upstream session.
struct SubscriptionRow {
  std::string session_id;
  std::string uri;
  std::string node_id;
  bool node_alive = false;  // (as read) its node's heartbeat is within the lease
};

class SessionEventStore : public SessionRepository, public EventRepository {
 public:
  // Where each commit of an append_sequenced_event is announced (payload: the stream id), on
  // PostgreSQL, so that the node whose client reads that stream fetches it at once.
  static constexpr const char* kStreamChannel = "mcpgw_stream";

  // Queued, in order with the stream's events: before its first, and after its last.
  virtual void open_post_stream(const PostStreamRow& row, std::function<void()> after_commit) = 0;
  virtual void finish_post_stream(const std::string& stream_id) = 0;
  // Blocking. The stream's record, node_alive telling whether its node's heartbeat (nodes) is
  // younger than lease by the database's clock.
  virtual std::optional<PostStreamRow> find_post_stream(const std::string& stream_id,
                                                        std::chrono::milliseconds lease) = 0;
  // Blocking, one transaction: when the stream is unfinished and still belongs to dead_node,
  // appends messages as its next events, marks it finished (by this node) and returns true;
  // false when it finished or another node took it first.
  virtual bool take_over_post_stream(const std::string& stream_id, const std::string& session_id,
                                     const std::string& dead_node, const std::string& node_id,
                                     const std::vector<std::string>& messages) = 0;

  // Subscriptions (blocking, not queued: a node that restores the session must find them).
  // hold records that row.node_id holds it and returns what held it before, if anything.
  virtual std::optional<SubscriptionRow> hold_subscription(const SubscriptionRow& row,
                                                           std::chrono::milliseconds lease) = 0;
  // Removes it; what held it, if anything.
  virtual std::optional<SubscriptionRow> drop_subscription(const std::string& session_id,
                                                           const std::string& uri,
                                                           std::chrono::milliseconds lease) = 0;
  // Those node_id holds.
  virtual std::vector<SubscriptionRow> held_subscriptions(const std::string& node_id) = 0;
  // At most max of those held by nodes other than node_id whose heartbeat is older than lease:
  // by the dead nodes' ids (an index lookup each), or (thorough) by a walk of the whole table,
  // which also finds those of nodes whose row is gone.
  virtual std::vector<SubscriptionRow> orphaned_subscriptions(const std::string& node_id,
                                                              std::chrono::milliseconds lease,
                                                              std::size_t max, bool thorough) = 0;
  // Moves it to row.node_id when `from` still holds it; false when another node was first.
  virtual bool claim_subscription(const SubscriptionRow& row, const std::string& from) = 0;

  // Returns once every write queued before the call is durable.
  virtual void flush() = 0;
};

}  // namespace mcpgw::store
