#pragma once
// All live sessions: lookup, creation under the configured limit, idle reaping, and delivery of
// the list_changed notifications that mcp/list_changed.h composes.
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "mcp/list_changed.h"
#include "protocol/message.h"
#include "transport/peers.h"
#include "transport/session.h"
#include "transport/session_registry.h"

namespace mcpgw::transport {

class SessionManager {
 public:
  // registry may be null (sessions then live in memory only); peers is null for one node.
  SessionManager(const config::TransportConfig& cfg, EventStore& store, SessionRegistry* registry,
                 Peers* peers = nullptr);
  ~SessionManager();

  // A new session object around the protocol state initialize made, not yet registered.
  std::shared_ptr<Session> make(const std::string& subject, mcp::Scope scope,
                                std::shared_ptr<mcp::SessionState> state);
  // The same with a fresh protocol state of that version.
  std::shared_ptr<Session> make(const std::string& subject, mcp::Scope scope,
                                const std::string& protocol_version);
  // Registers an initialized session; false when the session limit is reached.
  bool add(const std::shared_ptr<Session>& session);
  bool full() const;

  std::shared_ptr<Session> find(const std::string& id) const;
  // Blocking (run it off the I/O threads): a session from the registry after a restart.
  std::shared_ptr<Session> restore(const std::string& id);
  bool has_registry() const { return registry_ != nullptr; }
  SessionRegistry* registry() const { return registry_; }
  // Blocking: returns once the sessions added so far are durable in the registry (any node can
  // then restore them). Nothing to wait for without a registry.
  void flush_registry() {
    if (registry_) registry_->flush();
  }

  // Ends and forgets the session; false when unknown. With peers, the caller tells them
  // (Peers::session_ended, blocking).
  bool remove(const std::string& id);
  // Another node ended the session, or it idled here while other nodes may still serve it:
  // closed and dropped from this node's memory only.
  void forget(const std::string& id);
  Peers* peers() const { return peers_; }
  // A message another node handed over: a client's answer to one of this node's requests, or
  // a notice between nodes (a notification, to on_peer_notice's handler).
  void deliver_from_peer(const std::string& session_id, const std::string& message);
  using PeerNotice = std::function<void(const std::string& session_id, const jsonrpc::Message&)>;
  // Set before serving: what every session made or restored gets (the subscription keeper's
  // recorder), and who takes the notices of other nodes.
  void on_session(std::function<void(Session&)> hook) { on_session_ = std::move(hook); }
  void on_peer_notice(PeerNotice handler) { on_peer_notice_ = std::move(handler); }
  // The sessions here that hold resource subscriptions.
  std::vector<std::shared_ptr<Session>> with_subscriptions() const;
  // Ends sessions idle for longer than the TTL that have no open stream. Returns how many.
  std::size_t reap(std::chrono::steady_clock::time_point now);
  // Records use of the session (persisted at most every touch_interval()).
  void touch(Session& s);

  std::size_t size() const;
  std::chrono::milliseconds touch_interval() const { return touch_interval_; }
  // Starts periodic reaping on ex.
  void start_reaper(boost::asio::any_io_executor ex);
  void stop_reaper();

  // Puts each initialized session's list_changed notifications on its GET stream.
  void deliver(mcp::ListChanges& changes);

 private:
  SessionRecord record_of(Session& s) const;

  const config::TransportConfig cfg_;
  EventStore& store_;
  SessionRegistry* registry_;
  Peers* peers_;
  const std::chrono::milliseconds touch_interval_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<Session>> sessions_;
  std::mutex persisted_mutex_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> persisted_touch_;
  struct Reaper;
  std::shared_ptr<Reaper> reaper_;
  std::function<void(Session&)> on_session_;
  PeerNotice on_peer_notice_;
};

}  // namespace mcpgw::transport
