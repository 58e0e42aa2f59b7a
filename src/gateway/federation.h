#pragma once
// Upstream MCP servers ("gateways"): discovery of their tools, resources, resource templates and
// prompts into the database (names rewritten to <slug><sep><name>, everything else kept as the
// upstream gave it), health (periodic ping; unreachable after N failures, when its items fail
// fast), refresh on the upstream's list_changed and on demand, and the upstream sessions of
// client sessions.
//
// Each gateway has a monitor: a coroutine on its own strand that owns a control session (mcpgw's
// own, used for discovery, pings and the GET stream that carries list_changed; never used for a
// client's requests).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json/object.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "config/config.h"
#include "gateway/catalog.h"
#include "gateway/session_pool.h"
#include "gateway/upstream_session.h"

namespace boost::asio {
class thread_pool;
}
namespace mcpgw::store {
class CatalogStore;
}

namespace mcpgw::gateway {
class CatalogSync;

struct DiscoveryReport {
  std::string failure;  // empty on success
  std::size_t tools = 0, resources = 0, resource_templates = 0, prompts = 0;
  std::vector<std::string> skipped;  // items not stored, with the reason
};

// The federated name of an upstream item: one rule, in one place.
std::string federated_name(std::string_view slug, std::string_view separator,
                           std::string_view original);
// The URI under which mcpgw offers an upstream's resource or resource template: "<slug>+<uri>"
// (a URI whose scheme is "<slug>+<scheme>"). Reversible: the slug holds no '+', so the upstream's
// URI is everything after the first '+'; and URIs of different upstreams never collide.
std::string federated_uri(std::string_view slug, std::string_view uri);
// The upstream's URI inside a federated URI of that slug; nullopt when it is not one.
std::optional<std::string_view> upstream_uri(std::string_view slug, std::string_view uri);
// The era of an upstream's protocol revision: "modern" (2026-07-28 on) or "legacy".
const char* era_name(std::string_view protocol_version);
// A gateway's slug from its name: lower-case letters, digits and '-', at most 48 characters.
std::string slugify(std::string_view name);

class Federation {
 public:
  Federation(boost::asio::any_io_executor io, HttpClient& http, store::CatalogStore& db,
             boost::asio::thread_pool& blocking, CatalogService& catalog, CatalogSync& sync,
             config::FederationConfig cfg);
  ~Federation();
  Federation(const Federation&) = delete;
  Federation& operator=(const Federation&) = delete;

  // With several nodes: whether this node does a gateway's periodic health checks, discovery
  // refreshes and list-change listening (null, the default: always). Another node's gateway's
  // status is read from the database here, every health_interval. Set before start().
  void set_leadership(std::function<bool(const std::string& gateway_id)> leads) {
    leads_ = std::move(leads);
  }
  // Starts a monitor for each gateway in the catalog, and follows catalog changes from then on.
  void start();
  // Stops every monitor (on shutdown).
  void stop();

  // Discovers the gateway now and waits for the outcome (admin refresh, registration). A
  // discovery already under way when this is called does not count.
  boost::asio::awaitable<DiscoveryReport> refresh(std::string gateway_id);

  // False once the gateway failed unhealthy_after pings in a row (until it answers again).
  bool reachable(const std::string& gateway_id) const;
  std::string last_error(const std::string& gateway_id) const;
  // A call to the gateway failed at the transport level: check its health now.
  void report_failure(const std::string& gateway_id);

  HttpClient& http() { return http_; }
  // The upstream sessions kept for stateless (modern) clients, by principal and endpoint.
  SessionPool& client_pool() { return client_pool_; }
  // federation.request_timeout: the timeout of a gateway registered without timeout_ms.
  std::chrono::milliseconds request_timeout() const { return cfg_.request_timeout; }

 private:
  struct Monitor;
  void on_catalog_change(const Catalog& after);
  boost::asio::awaitable<void> run(std::shared_ptr<Monitor> m);
  boost::asio::awaitable<void> check(Monitor& m, std::uint64_t target, bool& need_discovery);
  boost::asio::awaitable<void> follow_status(Monitor& m);
  bool leads(const Monitor& m) const;
  // leads(m), logging when that changed since the last round.
  bool take_turn(Monitor& m);
  boost::asio::awaitable<void> listen(std::shared_ptr<Monitor> m);
  boost::asio::awaitable<DiscoveryReport> discover(Monitor& m);
  void set_status(Monitor& m, bool reachable, const std::string& error);
  std::shared_ptr<Monitor> monitor(const std::string& gateway_id) const;

  boost::asio::any_io_executor io_;
  HttpClient& http_;
  store::CatalogStore& db_;
  boost::asio::thread_pool& blocking_;
  CatalogService& catalog_;
  const config::FederationConfig cfg_;
  CatalogSync& sync_;
  std::function<bool(const std::string& gateway_id)> leads_;
  // Status writes, one at a time and in the order they were made: two concurrent writes of one
  // gateway's status could commit out of order and leave the older one in the database (seen
  // on PostgreSQL: "unreachable" overwritten by the "healthy" write just before it).
  boost::asio::strand<boost::asio::thread_pool::executor_type> status_writes_;
  mutable std::shared_mutex
      mutex_;  // monitors_ (looked up on every relayed call), stopped_, started_
  std::map<std::string, std::shared_ptr<Monitor>> monitors_;
  bool stopped_ = false;
  bool started_ = false;
  // 10,000 keys, each closed after 10 minutes without a call.
  SessionPool client_pool_{10'000, std::chrono::minutes(10)};
};

}  // namespace mcpgw::gateway
