#pragma once
// A legacy session's resource subscriptions outlive the node (or the process) that made them.
//
// resources/subscribe records each one in the session registry, with the node that holds it in
// its upstream session, before it answers; resources/unsubscribe removes it (SessionState's
// recorder, installed here on every session). Every kCompareEvery scans (and at the first) this
// node compares what the registry says it holds with what its sessions hold:
// - recorded here but not held (this process restarted, or a renewal failed): renewed. The
//   session is restored if need be and resources/subscribe runs for it as if its client had
//   asked again, under the session's subject and token servers, and the client gets one
//   notifications/resources/updated for it (a change in the gap cannot be ruled out). Failures
//   are retried with
//   backoff; a resource that is gone from the catalog is dropped from the record.
// - held here but recorded for another node or none (the client unsubscribed, or subscribed
//   again, through another node): released here (unsubscribed upstream, not recorded).
// With several nodes, every scan (kScan) also claims the subscriptions of nodes whose lease ran
// out, for the sessions it leads (Peers::leads("session:<id>")), and renews them: one node
// renews each. Those are looked up by the dead nodes' ids; every kThoroughEvery scans, by a walk
// of the table (which finds those of nodes the database forgot too). A
// node that takes a subscription from a live node tells it at once (a notice through
// Peers::send), so that the client does not get each update twice until that node's scan.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "protocol/message.h"

namespace boost::asio {
class thread_pool;
}
namespace mcpgw::mcp {
class Server;
}

namespace mcpgw::transport {

class Session;
class SessionManager;
class SessionRegistry;
class Peers;

class SubscriptionKeeper {
 public:
  static constexpr std::chrono::milliseconds kScan{2000};
  static constexpr unsigned kCompareEvery = 5;    // 10 s
  static constexpr unsigned kThoroughEvery = 30;  // 1 min
  static constexpr std::size_t kOrphansPerScan = 256;
  static constexpr std::chrono::seconds kMaxBackoff{60};
  // The notice between nodes: the subscription (params.uri) moved away from the node it reaches.
  static constexpr std::string_view kMovedNotice = "mcpgw/subscriptionMoved";

  // sessions must have a registry. Installs the recorder and the notice handler on sessions.
  SubscriptionKeeper(SessionManager& sessions, const mcp::Server& server,
                     boost::asio::thread_pool& blocking);
  ~SubscriptionKeeper();

  // Scans every kScan on ex until stop().
  void start(boost::asio::any_io_executor ex);
  void stop();
  // One scan, as start runs them: compare (see above) or only the dead nodes' subscriptions;
  // thorough, the dead nodes' found by a walk of the table.
  boost::asio::awaitable<void> scan(bool compare = true, bool thorough = true);

 private:
  struct State;
  // References: the recorder's caller awaits it at once, with both alive.
  boost::asio::awaitable<void> record(const std::string& session_id, const std::string& uri,
                                      bool held);
  boost::asio::awaitable<void> claim_orphans(std::map<std::string, std::set<std::string>>& mine,
                                             bool thorough);
  boost::asio::awaitable<void> renew_all(const std::map<std::string, std::set<std::string>>& mine,
                                         std::chrono::steady_clock::time_point scan_started);
  // Runs resources/(un)subscribe for the session here; its outcome's error, if any.
  boost::asio::awaitable<std::optional<jsonrpc::Error>> run(const std::shared_ptr<Session>& s,
                                                            const std::string& uri, bool on);
  boost::asio::awaitable<void> renew(const std::shared_ptr<Session>& s, const std::string& uri);
  boost::asio::awaitable<void> release(const std::shared_ptr<Session>& s, const std::string& uri);
  void on_notice(const std::string& session_id, const jsonrpc::Message& m);

  SessionManager& sessions_;
  SessionRegistry& registry_;
  Peers* peers_;
  const mcp::Server& server_;
  boost::asio::thread_pool& blocking_;
  std::shared_ptr<State> state_;
};

}  // namespace mcpgw::transport
