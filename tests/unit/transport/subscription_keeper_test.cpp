// Resource subscriptions recorded in the session registry outlive their node: renewed by a
// restarted node and by the node that takes over a dead one's, released by a node that no
// longer holds them (transport/subscription_keeper.h), on both engines.
#include "transport/subscription_keeper.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "gateway/catalog.h"
#include "mcp/dispatcher.h"
#include "mcp/server.h"
#include "protocol/names.h"
#include "store/open.h"
#include "store/sql/sql_node_directory.h"
#include "support/store_fixture.h"
#include "transport/durable_event_store.h"
#include "transport/session_manager.h"

using namespace mcpgw;
using namespace mcpgw::transport;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {

struct FakePeers : Peers {
  explicit FakePeers(std::string id) : id_(std::move(id)) {}
  const std::string& node_id() const override { return id_; }
  void send(const std::string& node, const std::string& session, std::string m) override {
    sent.push_back({node, session, std::move(m)});
  }
  void session_ended(const std::string&) override {}
  bool leads(std::string_view) const override { return leading; }
  std::string id_;
  bool leading = true;
  struct Sent {
    std::string node, session, message;
  };
  std::vector<Sent> sent;
};

// One node: its store, sessions and keeper, and a dispatcher whose resources/(un)subscribe do
// what mcp/methods/resources.cpp does around the upstream (which is not here): record, then
// hold; release, then record. calls lists "+uri" and "-uri" in order.
struct Node {
  std::unique_ptr<DurableEventStore> store;
  std::unique_ptr<FakePeers> peers;
  config::TransportConfig cfg;
  std::unique_ptr<SessionManager> sessions;
  mcp::Dispatcher dispatcher;
  gateway::CatalogService catalog;
  std::unique_ptr<mcp::Server> server;
  asio::thread_pool blocking{1};
  std::unique_ptr<SubscriptionKeeper> keeper;
  std::vector<std::string> calls;
  bool fail = false;

  Node(const store::DatabaseOptions& db, const std::string& node_id) {
    store = std::make_unique<DurableEventStore>(db, 100, std::chrono::hours(1), node_id);
    if (!node_id.empty()) peers = std::make_unique<FakePeers>(node_id);
    sessions = std::make_unique<SessionManager>(cfg, *store, store.get(), peers.get());
    for (bool on : {true, false})
      dispatcher.on_request(
          on ? protocol::method::kResourcesSubscribe : protocol::method::kResourcesUnsubscribe,
          {[this, on](mcp::RequestContext& ctx,
                      const json::object& p) -> asio::awaitable<mcp::Outcome> {
             const std::string uri(p.at("uri").as_string());
             calls.push_back((on ? "+" : "-") + uri);
             if (fail) co_return mcp::Outcome::fail(jsonrpc::kInternalError, "upstream down");
             if (!on) ctx.session()->unsubscribe(uri);
             co_await ctx.session()->record_subscription(uri, on);
             if (on) ctx.session()->subscribe(uri);
             co_return mcp::Outcome::ok(json::object{});
           },
           false, mcp::kLegacy});
    server = std::make_unique<mcp::Server>(dispatcher, catalog);
    keeper = std::make_unique<SubscriptionKeeper>(*sessions, *server, blocking);
  }
  ~Node() {
    keeper.reset();
    blocking.join();
  }

  std::shared_ptr<Session> open_session() {
    auto s = sessions->make("alice", mcp::Scope{}, "2025-11-25");
    s->state().mark_initialized();
    REQUIRE(sessions->add(s));
    store->flush();
    return s;
  }
  // A client's resources/(un)subscribe through this node.
  void client(const std::shared_ptr<Session>& s, const std::string& uri, bool on) {
    auth::Principal p{"alice", {"mcp"}, {}, "jwt"};
    jsonrpc::Message m;
    m.id = 1;
    m.method = on ? protocol::method::kResourcesSubscribe : protocol::method::kResourcesUnsubscribe;
    m.params = json::object{{"uri", uri}};
    mcp::RequestContext ctx({&s->state(), &p, s->scope(), "2025-11-25", m.id, "t", nullptr, {}});
    run([&]() -> asio::awaitable<void> { co_await dispatcher.run(ctx, m); });
  }
  void scan() {
    run([this]() -> asio::awaitable<void> { co_await keeper->scan(); });
  }
  template <class F>
  void run(F f) {
    asio::io_context ioc;
    auto done = asio::co_spawn(ioc, f(), asio::use_future);
    ioc.run();
    done.get();
  }
  std::vector<HeldSubscription> held() { return store->held_subscriptions(); }
};

}  // namespace

TEST_CASE("subscriptions: recorded, then renewed by the restarted node", "[subscriptions]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  std::string id;
  {
    Node before(t.opts, "");
    auto s = before.open_session();
    id = s->id();
    before.client(s, "fa+fid://counter", true);
    before.client(s, "fa+fid://other", true);
    before.client(s, "fa+fid://other", false);
    REQUIRE(before.held().size() == 1);
    CHECK(before.held()[0].uri == "fa+fid://counter");
    // Its own scan finds nothing to do.
    before.scan();
    CHECK(before.calls ==
          std::vector<std::string>{"+fa+fid://counter", "+fa+fid://other", "-fa+fid://other"});
  }
  Node after(t.opts, "");
  CHECK(after.sessions->find(id) == nullptr);
  after.fail = true;  // the upstream is down at first: retried, not dropped
  after.scan();
  CHECK(after.calls == std::vector<std::string>{"+fa+fid://counter"});
  REQUIRE(after.held().size() == 1);
  after.fail = false;
  after.scan();  // within the backoff: not yet
  CHECK(after.calls.size() == 1);
  std::this_thread::sleep_for(SubscriptionKeeper::kScan);
  after.scan();
  CHECK(after.calls == std::vector<std::string>{"+fa+fid://counter", "+fa+fid://counter"});
  auto s = after.sessions->find(id);
  REQUIRE(s);
  CHECK(s->state().subscribed("fa+fid://counter"));
  after.scan();  // held and recorded: nothing more
  CHECK(after.calls.size() == 2);
}

TEST_CASE("subscriptions: a dead node's are claimed by one node and renewed there",
          "[subscriptions][cluster]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto pool = store::open_pool(t.opts);
  auto nodes = store::make_node_directory(*pool);
  nodes->heartbeat("node-b");
  nodes->heartbeat("node-c");
  std::string id;
  {
    Node a(t.opts, "node-a");  // never heartbeats: dead from the start
    auto s = a.open_session();
    id = s->id();
    a.client(s, "fa+fid://counter", true);
  }
  Node b(t.opts, "node-b"), c(t.opts, "node-c");
  c.peers->leading = false;  // the session is b's chore
  c.scan();
  CHECK(c.calls.empty());
  b.scan();
  CHECK(b.calls == std::vector<std::string>{"+fa+fid://counter"});
  REQUIRE(b.held().size() == 1);
  REQUIRE(b.sessions->find(id));
  CHECK(b.sessions->find(id)->state().subscribed("fa+fid://counter"));
  // Now c subscribes the same session again (its client came through c): b is told, and
  // releases it without touching the record, which is c's.
  auto sc = c.sessions->restore(id);
  REQUIRE(sc);
  c.client(sc, "fa+fid://counter", true);
  REQUIRE(c.peers->sent.size() == 1);
  CHECK(c.peers->sent[0].node == "node-b");
  CHECK(c.peers->sent[0].session == id);
  b.scan();  // what the notice would do at once, the scan does too
  CHECK(b.calls == std::vector<std::string>{"+fa+fid://counter", "-fa+fid://counter"});
  CHECK_FALSE(b.sessions->find(id)->state().subscribed("fa+fid://counter"));
  CHECK(b.held().empty());
  REQUIRE(c.held().size() == 1);
  // The client unsubscribes through b: the record goes, and c releases at its scan.
  b.client(b.sessions->find(id), "fa+fid://counter", false);
  CHECK(c.held().empty());
  c.scan();
  CHECK(c.calls.back() == "-fa+fid://counter");
  CHECK_FALSE(sc->state().subscribed("fa+fid://counter"));
}

TEST_CASE("subscriptions: the notice of another node releases at once; a session's end drops them",
          "[subscriptions][cluster]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto pool = store::open_pool(t.opts);
  auto nodes = store::make_node_directory(*pool);
  nodes->heartbeat("node-a");
  Node a(t.opts, "node-a");
  auto s = a.open_session();
  a.client(s, "fa+fid://counter", true);
  asio::io_context ioc;
  a.keeper->start(ioc.get_executor());
  a.sessions->deliver_from_peer(
      s->id(), json::serialize(jsonrpc::notification(SubscriptionKeeper::kMovedNotice,
                                                     json::object{{"uri", "fa+fid://counter"}})));
  ioc.run_for(std::chrono::milliseconds(500));
  CHECK(a.calls == std::vector<std::string>{"+fa+fid://counter", "-fa+fid://counter"});
  CHECK_FALSE(s->state().subscribed("fa+fid://counter"));
  REQUIRE(a.held().size() == 1);  // a release leaves the record as it is
  a.keeper->stop();
  ioc.run_for(std::chrono::milliseconds(100));
  // The session ends: its record goes with it.
  REQUIRE(a.sessions->remove(s->id()));
  a.store->flush();
  CHECK(a.held().empty());
}
