#pragma once
// Durable session records, so that sessions (and, with them, Last-Event-ID resumption) survive a
// restart. Writes are queued and never block; reads block and run off the I/O threads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::transport {

struct SessionRecord {
  std::string id;
  std::string subject;
  std::optional<std::string> server_id;
  std::vector<std::string> token_servers;
  std::string protocol_version;
  std::string client_info;        // JSON object
  std::string capabilities;       // JSON object
  std::int64_t created_at = 0;    // epoch ms
  std::int64_t last_used_at = 0;  // epoch ms
};

// A session's subscription to a resource and the node that holds it in its upstream session
// (transport/subscription_keeper.h).
struct HeldSubscription {
  std::string session_id;
  std::string uri;
  std::string node_id;  // empty: the one node of a store that is not shared
  bool node_alive = false;
};

class SessionRegistry {
 public:
  virtual ~SessionRegistry() = default;
  virtual void save(const SessionRecord& record) = 0;
  virtual void touch(const std::string& id, std::int64_t last_used_at) = 0;
  virtual void remove(const std::string& id) = 0;
  // Blocking. The record and the highest stream number its events use, loading those events into
  // memory for replay.
  virtual std::optional<SessionRecord> restore(const std::string& id,
                                               std::uint64_t& max_stream) = 0;

  // Subscriptions, blocking. hold records that this node holds it and returns what held it
  // before; drop removes it and returns what held it.
  virtual std::optional<HeldSubscription> hold_subscription(const std::string& session_id,
                                                            const std::string& uri) = 0;
  virtual std::optional<HeldSubscription> drop_subscription(const std::string& session_id,
                                                            const std::string& uri) = 0;
  // Those this node holds.
  virtual std::vector<HeldSubscription> held_subscriptions() = 0;
  // Shared store: at most max of those whose node's lease ran out (thorough: also those of
  // nodes the database no longer knows; a walk of the whole table). Empty otherwise.
  virtual std::vector<HeldSubscription> orphaned_subscriptions(std::size_t max, bool thorough) = 0;
  // Moves an orphan to this node; false when another node took it first.
  virtual bool claim_subscription(const HeldSubscription& orphan) = 0;

  // Blocking: returns once every write so far (a new session's record) is durable, so that
  // another node can restore it.
  virtual void flush() = 0;
};

}  // namespace mcpgw::transport
