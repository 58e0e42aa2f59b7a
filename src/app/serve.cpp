#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <csignal>
#include <optional>
#include <thread>
#include <vector>

#include "admin/catalog_api.h"
#include "admin/gateways_api.h"
#include "admin/openapi_api.h"
#include "admin/tokens_api.h"
#include "app/cluster.h"
#include "app/database.h"
#include "app/identity.h"
#include "app/node_metrics.h"
#include "app/system_routes.h"
#include "auth/api_tokens.h"
#include "auth/authenticator.h"
#include "auth/route_guard.h"
#include "auth/secret.h"
#include "common/crypto.h"
#include "common/metrics.h"
#include "common/secret_file.h"
#include "common/version.h"

#include <filesystem>
#include "gateway/catalog.h"
#include "gateway/catalog_sync.h"
#include "gateway/federation.h"
#include "gateway/http_client.h"
#include "http/server.h"
#include "mcp/dispatcher.h"
#include "mcp/invokers.h"
#include "mcp/list_changed.h"
#include "mcp/listen.h"
#include "mcp/methods/methods.h"
#include "mcp/server.h"
#include "observability/logging.h"
#include "store/open.h"
#include "store/sql/sql_api_token_repository.h"
#include "store/sql/sql_catalog_store.h"
#include "transport/durable_event_store.h"
#include "transport/endpoint.h"
#include "transport/memory_event_store.h"
#include "transport/session_manager.h"
#include "transport/subscription_keeper.h"

namespace mcpgw::app {
namespace asio = boost::asio;

namespace {

void migrate_and_log(const store::DatabaseOptions& dbopts) {
  auto report = store::migrate_database(dbopts);
  if (report.applied.empty())
    spdlog::info("database {} at schema version {}", store::describe(dbopts), report.to_version);
  else
    spdlog::info("database {} migrated from schema version {} to {}", store::describe(dbopts),
                 report.from_version, report.to_version);
}

// The database and what the run keeps in it. SQLite, or PostgreSQL when database.url is set;
// the layers above see only the store's interfaces.
struct Database {
  store::DatabaseOptions opts;
  std::unique_ptr<store::sql::Pool> pool;
  std::unique_ptr<store::SqlCatalogStore> catalog;
  std::unique_ptr<store::SqlApiTokenRepository> tokens;
  std::unique_ptr<store::ChangeFeed> feed;      // null: one node (SQLite)
  std::unique_ptr<store::NodeDirectory> nodes;  // null: one node (SQLite)
};
Database open_database(const config::Config& cfg) {
  Database d;
  d.opts = database_options(cfg);
  migrate_and_log(d.opts);
  d.pool = store::open_pool(d.opts);
  d.catalog = std::make_unique<store::SqlCatalogStore>(*d.pool);
  d.tokens = std::make_unique<store::SqlApiTokenRepository>(*d.pool);
  d.feed = store::open_change_feed(d.opts, *d.pool);
  d.nodes = store::open_node_directory(d.opts, *d.pool);
  return d;
}

// Tool and gateway credentials are sealed under a key derived from this file (generated 0600 if
// absent).
std::string load_credentials_key(const config::Config& cfg) {
  const std::string key_path =
      cfg.database.credentials_key_file.empty()
          ? (std::filesystem::path(config::data_dir(cfg)) / "credentials.key").string()
          : cfg.database.credentials_key_file;
  return crypto::sha256(secret_file::load_or_create(key_path, 32).value);
}

// The database keeps events and sessions across restarts; memory is faster and forgets them.
// With several nodes on the database (PostgreSQL) and sessions kept in it, the sessions are
// shared by the nodes: the durable store knows this node, and the cluster its peers.
struct EventStores {
  std::unique_ptr<transport::EventStore> events;
  transport::SessionRegistry* registry = nullptr;  // null: sessions live in memory only
  transport::DurableEventStore* shared = nullptr;  // null: sessions are this node's alone
  std::unique_ptr<Cluster> cluster;                // several nodes (PostgreSQL)
};
EventStores make_event_stores(const config::Config& cfg, const Database& db,
                              const std::string& node_id) {
  EventStores out;
  // Several nodes (PostgreSQL): heartbeats and chores shared out, whatever the event store.
  if (db.nodes) out.cluster = std::make_unique<Cluster>(*db.nodes, *db.feed, node_id);
  if (cfg.transport.event_store == config::EventStoreKind::database) {
    const bool shared = db.nodes != nullptr;
    std::function<bool()> prunes_here;
    if (shared) prunes_here = [c = out.cluster.get()] { return c->leads("retention"); };
    auto durable = std::make_unique<transport::DurableEventStore>(
        db.opts, cfg.transport.max_events_per_stream, cfg.transport.session_idle_ttl,
        shared ? node_id : "", Cluster::kLease, std::move(prunes_here));
    out.registry = durable.get();
    if (shared) out.shared = durable.get();
    out.events = std::move(durable);
  } else {
    out.events = std::make_unique<transport::MemoryEventStore>(cfg.transport.max_events_per_stream);
  }
  return out;
}

// Several nodes: a token revoked through one stops on all at once (NOTIFY mcpgw_tokens), not once
// their caches' entries age out. On a (re)connect of the feed, the cache starts over too.
void share_token_revocations(store::ChangeFeed* feed, auth::ApiTokenService& tokens) {
  static constexpr const char* kChannel = "mcpgw_tokens";
  if (!feed) return;
  feed->subscribe(kChannel,
                  [&tokens](const std::string&, const std::string&) { tokens.forget_cached(); });
  tokens.on_revoked([feed] { feed->publish(kChannel, "revoked"); });
}

// This node joins the others (several nodes): heartbeats, the session layer's channels, and
// the chores of the upstreams shared out.
void start_cluster(EventStores& stores, transport::SessionManager& sessions,
                   gateway::Federation& federation) {
  Cluster* c = stores.cluster.get();
  if (!c) return;
  c->start(stores.shared ? &sessions : nullptr, stores.shared);
  federation.set_leadership([c](const std::string& gateway) { return c->leads(gateway); });
}

// The feed between the nodes, running for the scope of this object.
struct FeedRun {
  explicit FeedRun(store::ChangeFeed* f) : feed(f) {
    if (feed) feed->start();
  }
  ~FeedRun() {
    if (feed) feed->stop();
  }
  FeedRun(const FeedRun&) = delete;
  FeedRun& operator=(const FeedRun&) = delete;
  store::ChangeFeed* feed;
};

// The signals that stop the daemon (a drain; a second one at once).
sigset_t stop_signals() {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGINT);
  sigaddset(&s, SIGTERM);
  return s;
}

// Runs the io_context on `workers` threads until the drain that the first SIGINT or SIGTERM
// starts (before_drain runs first) ends; a second signal stops at once. The exit status.
int run_until_drained(asio::io_context& ioc, unsigned workers, http::HttpServer& server,
                      std::chrono::milliseconds grace, const std::function<void()>& before_drain) {
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  // Handled from here on (announce_start held them): one already pending is delivered now.
  const sigset_t stop = stop_signals();
  pthread_sigmask(SIG_UNBLOCK, &stop, nullptr);
  int exit_code = 0;
  std::function<void(boost::system::error_code, int)> on_signal = [&](boost::system::error_code ec,
                                                                      int sig) {
    if (ec) return;
    if (server.draining()) {
      spdlog::warn("signal {} during drain: stopping now", sig);
      exit_code = 1;
      ioc.stop();
      return;
    }
    spdlog::info("signal {}: draining (grace {} ms)", sig, grace.count());
    before_drain();
    server.drain([&] {
      spdlog::info("drained; exiting");
      signals.cancel();
      ioc.stop();
    });
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < workers; ++i)
    threads.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : threads)
    t.join();
  return exit_code;
}

struct AdminDeps {
  store::CatalogStore& db;
  gateway::CatalogSync& sync;
  gateway::Federation& federation;
  auth::ApiTokenService& api_tokens;
  asio::thread_pool& blocking;
  const std::string& credentials_key;
};

void register_admin_routes(http::HttpServer& server, const AdminDeps& d) {
  admin::register_token_routes(server, d.api_tokens, d.blocking);
  admin::register_catalog_routes(server, d.db, d.sync, d.blocking, d.credentials_key);
  admin::register_gateway_routes(server, d.db, d.sync, d.federation, d.blocking, d.credentials_key);
  admin::register_openapi_route(server);
}

// CORS for browser clients, and /metrics when it is on.
void open_front_door(http::HttpServer& server, const config::Config& cfg, RateLimits& limits) {
  server.set_cors(http::CorsPolicy(cfg.transport.allowed_origins));
  server.set_rate_limits(&limits);
  if (cfg.metrics.enabled) register_metrics_route(server);
}

bool is_loopback(const std::string& host) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

void announce_start(const config::Config& cfg) {
  metrics::set_enabled(cfg.metrics.enabled);
  spdlog::info("mcpgw {} ({}) starting; config {}", version(), git_revision(), cfg.source);
  if (!cfg.auth.required)
    spdlog::warn(
        "auth.required is false: every request is treated as an admin. Use this for "
        "local development only");
}

}  // namespace

void hold_stop_signals() {
  const sigset_t stop = stop_signals();
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
}

// The verifier of this gateway's own JWTs (the secret generated on first start, and said so).
auth::JwtVerifier jwt_verifier(const config::Config& cfg, const std::string& token_hint) {
  auto secret = auth::load_or_create_jwt_secret(cfg);
  if (secret.generated)
    spdlog::warn("no JWT secret configured: generated {} (mode 0600). Mint an admin token with: {}",
                 secret.origin, token_hint);
  return auth::JwtVerifier({secret.value, cfg.auth.issuer, cfg.auth.audience,
                            std::chrono::duration_cast<std::chrono::seconds>(cfg.auth.leeway)});
}

namespace {

RateLimits rate_limits(const config::RateLimitConfig& c) {
  std::unordered_map<std::string, RateLimits::Rates> by_subject;
  for (const auto& o : c.overrides)
    by_subject[o.subject] = {{o.requests_per_second, o.request_burst},
                             {o.tool_calls_per_second, o.tool_call_burst}};
  return RateLimits(
      {{c.requests_per_second, c.request_burst}, {c.tool_calls_per_second, c.tool_call_burst}},
      std::move(by_subject));
}

// Who may call: API tokens, this gateway's own JWTs, the external issuers; and what a client is
// told to find them (the RFC 9728 metadata).
struct Callers {
  Callers(const config::Config& cfg, const Database& database, const std::string& token_hint)
      : api_tokens(*database.tokens, cfg.auth.api_token_cache_ttl),
        issuers(cfg.auth),
        authenticator(cfg.auth.required, jwt_verifier(cfg, token_hint), &api_tokens, &issuers),
        resource(cfg.auth),
        limits(rate_limits(cfg.rate_limits)) {
    share_token_revocations(database.feed.get(), api_tokens);
  }
  auth::ApiTokenService api_tokens;
  const auth::IssuerSet issuers;
  const auth::Authenticator authenticator;
  const auth::ProtectedResource resource;
  RateLimits limits;
};

}  // namespace

int serve(const config::Config& cfg, const std::string& token_hint) {
  announce_start(cfg);
  const Database database = open_database(cfg);
  store::CatalogStore& db = *database.catalog;
  Callers callers(cfg, database, token_hint);
  auth::ApiTokenService& api_tokens = callers.api_tokens;

  const unsigned workers =
      cfg.server.workers ? cfg.server.workers : std::max(1u, std::thread::hardware_concurrency());
  asio::io_context ioc(static_cast<int>(workers));
  asio::thread_pool blocking(2);

  gateway::CatalogService catalog;
  const std::string credentials_key = load_credentials_key(cfg);
  const std::string node_id = crypto::random_hex(6);
  gateway::CatalogSync sync(db.reader(), catalog, credentials_key, database.feed.get(), node_id);
  sync.reload();
  gateway::HttpClient::Options http_options;
  http_options.verify_tls = cfg.federation.verify_tls;
  gateway::HttpClient upstream_http(ioc.get_executor(), http_options);
  IssuerKeys issuer_keys(callers.issuers, upstream_http);
  issuer_keys.load_files();
  gateway::Federation federation(ioc.get_executor(), upstream_http, db, blocking, catalog, sync,
                                 cfg.federation);
  const mcp::RestToolInvoker rest_tools(upstream_http);
  const mcp::UpstreamToolInvoker upstream_tools(federation);
  const mcp::ServerIdentity identity{"mcpgw", std::string(version()), cfg.transport.cache_ttl};
  mcp::ListenHub listeners(cfg.transport.max_sessions);
  mcp::Services services{catalog, identity, &federation, {}, &listeners, &callers.limits};
  services.invokers[static_cast<std::size_t>(gateway::ItemSource::rest)] = &rest_tools;
  services.invokers[static_cast<std::size_t>(gateway::ItemSource::upstream)] = &upstream_tools;
  mcp::Dispatcher dispatcher;
  mcp::register_methods(dispatcher, services);
  const mcp::Server mcp_server(dispatcher, catalog, identity, cfg.transport.input_ttl);
  EventStores stores = make_event_stores(cfg, database, node_id);
  transport::SessionManager sessions(cfg.transport, *stores.events, stores.registry,
                                     stores.shared ? stores.cluster.get() : nullptr);
  mcp::on_list_changes(catalog, [&sessions, &listeners](mcp::ListChanges& changes) {
    sessions.deliver(changes);
    listeners.deliver(changes);
  });
  // Sessions kept in the database keep their resource subscriptions too.
  std::optional<transport::SubscriptionKeeper> keeper;
  if (stores.registry) keeper.emplace(sessions, mcp_server, blocking);
  sessions.start_reaper(ioc.get_executor());
  sync.start();  // other nodes' catalog changes reach this node's sessions from here on
  start_cluster(stores, sessions, federation);
  // Stopped before what its handlers reach goes, however serve() ends (the port may be taken).
  const FeedRun feed_run(database.feed.get());

  auth::RouteGuard guard(callers.authenticator, &blocking, &callers.resource);
  http::HttpServer server(ioc, cfg.server, guard, observability::make_access_log(cfg.logging));
  open_front_door(server, cfg, callers.limits);
  register_system_routes(server, db, blocking);
  const NodeMetrics node_metrics(node_id, sessions, listeners);
  register_resource_metadata_routes(server, callers.resource, catalog);
  register_admin_routes(server, {db, sync, federation, api_tokens, blocking, credentials_key});
  transport::register_mcp_routes(server, {cfg.transport, is_loopback(cfg.server.host)}, sessions,
                                 mcp_server, blocking);

  const auto port = server.start();
  federation.start();
  issuer_keys.start();
  if (keeper) keeper->start(ioc.get_executor());
  spdlog::info("listening on http://{}:{} with {} worker thread(s)", cfg.server.host, port,
               workers);
  const int exit_code = run_until_drained(ioc, workers, server, cfg.server.shutdown_grace, [&] {
    sessions.stop_reaper();
    issuer_keys.stop();
    if (keeper) keeper->stop();
    listeners.close_all();  // their requests end with a result: a graceful end for the client
    federation.stop();
  });
  // After the drain: until its requests are answered, this node's lease holds them.
  if (database.feed) database.feed->stop();
  if (stores.cluster) stores.cluster->stop();
  blocking.join();
  spdlog::info("stopped");
  return exit_code;
}

}  // namespace mcpgw::app
