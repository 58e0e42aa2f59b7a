#pragma once
// The protocol-level state of one MCP session, independent of how it is transported: what was
// negotiated, the client's log level, client requests in flight (for notifications/cancelled) and
// server-to-client requests awaiting the client's answer. Safe to use from several connections.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/upstream_session.h"
#include "mcp/outcome.h"
#include "protocol/message.h"

namespace mcpgw::mcp {

namespace json = boost::json;

class SessionState : public std::enable_shared_from_this<SessionState> {
 public:
  explicit SessionState(std::string protocol_version)
      : protocol_version_(std::move(protocol_version)) {}

  const std::string& protocol_version() const { return protocol_version_; }

  void set_client(json::object info, json::object capabilities);
  json::object client_capabilities() const;
  json::object client_info() const;
  bool client_has_capability(std::string_view name) const;

  void mark_initialized() { initialized_ = true; }
  bool initialized() const { return initialized_; }

  void set_log_level(std::string level);
  std::string log_level() const;

  // Client requests in flight. begin returns the flag notifications/cancelled sets.
  std::shared_ptr<std::atomic<bool>> begin_request(const json::value& id);
  void end_request(const json::value& id);
  // True if the request was in flight. Runs its cancel hook, if any.
  bool cancel_request(const json::value& id);
  // What to do when the client cancels request `id` (relay the cancel upstream). Runs at once
  // when it is already cancelled; false when the request is not in flight.
  bool on_cancel(const json::value& id, std::function<void()> hook);

  // The session's standalone (GET) stream, for messages tied to no request: set by the transport
  // (send appends a message; has_reader says whether a client listens now), cleared when the
  // session goes away. Both false once cleared.
  void set_standalone(std::function<bool(std::string)> send, std::function<bool()> has_reader);
  bool send_standalone(std::string message);
  bool standalone_has_reader();

  // Resource URIs the client subscribed to (resources/subscribe).
  void subscribe(const std::string& uri);
  void unsubscribe(const std::string& uri);
  bool subscribed(const std::string& uri) const;
  std::vector<std::string> subscriptions() const;
  bool has_subscriptions() const;
  // Where a change of them is recorded, so that they outlive this node (or this process): set
  // by the transport when sessions are kept in a database. Awaited by resources/subscribe before
  // it subscribes here (held), and by resources/unsubscribe once it unsubscribed here.
  using SubscriptionRecorder =
      std::function<boost::asio::awaitable<void>(const std::string& uri, bool held)>;
  void set_subscription_recorder(SubscriptionRecorder recorder);
  boost::asio::awaitable<void> record_subscription(const std::string& uri, bool held);

  // This session's sessions with upstream MCP servers.
  gateway::UpstreamSessions& upstreams() { return upstreams_; }

  // Server-to-client requests. A waiter is resumed on its executor with the client's answer (an
  // error when there is none).
  using ReplyHandler = std::function<void(Outcome)>;
  json::value next_request_id();
  // Ids this session's server-to-client requests start with ("mcpgw-" unless set): with several
  // nodes, "mcpgw-<node>-", so that a client's answer reaching another node finds its way here.
  void set_request_id_prefix(std::string prefix);
  void await_reply(const json::value& id, ReplyHandler on_reply);
  // Routes a response message from the client; false if nothing was waiting for that id.
  bool deliver_reply(const jsonrpc::Message& response);
  // Drops a waiter (on timeout); false if it had already been answered.
  bool forget_reply(const json::value& id);
  // Answers every waiter with an error (session closing).
  void fail_all_replies(const jsonrpc::Error& why);

 private:
  static std::string key(const json::value& id);  // type-preserving: "1" and 1 differ

  const std::string protocol_version_;
  std::atomic<bool> initialized_{false};
  mutable std::mutex mutex_;
  json::object client_info_, client_capabilities_;
  std::string log_level_;
  struct InFlight {
    std::shared_ptr<std::atomic<bool>> cancelled;
    std::function<void()> on_cancel;
  };
  std::unordered_map<std::string, InFlight> in_flight_;
  std::unordered_map<std::string, ReplyHandler> waiting_;
  std::uint64_t next_id_ = 0;
  std::string id_prefix_ = "mcpgw-";
  std::set<std::string> subscriptions_;
  SubscriptionRecorder recorder_;
  std::mutex standalone_mutex_;  // only around the two functions: they take the stream's locks
  std::function<bool(std::string)> send_standalone_;
  std::function<bool()> standalone_has_reader_;
  gateway::UpstreamSessions upstreams_;
};

}  // namespace mcpgw::mcp
