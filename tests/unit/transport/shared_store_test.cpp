// Two nodes on one database, each with its own DurableEventStore and Session object for one
// session: the GET stream they both append to, another node's POST stream followed to its end,
// and a dead node's POST stream answered with lost-call errors.
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <thread>

#include "common/json_parse.h"
#include "store/open.h"
#include "store/sql/sql_node_directory.h"
#include "support/store_fixture.h"
#include "transport/durable_event_store.h"
#include "transport/resume.h"
#include "transport/session.h"
#include "transport/session_manager.h"

using namespace mcpgw;
using namespace mcpgw::transport;
namespace json = boost::json;

namespace {
std::shared_ptr<Session> session_on(EventStore& store) {
  return std::make_shared<Session>("sid", "alice", mcp::Scope{},
                                   std::make_shared<mcp::SessionState>("2025-11-25"), store);
}

std::vector<std::string> datas(const EventStore& s, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& e : s.read_after(key, 0, 100))
    out.push_back(e.data);
  return out;
}

// The follower thread reports asynchronously: wait (bounded) for what must come.
template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 500 && !pred(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return pred();
}

// Both alive (a heartbeat each, good for the lease of 5 s) unless said otherwise.
struct TwoNodes {
  test::TestDatabase t;
  std::unique_ptr<DurableEventStore> a, b;
  std::unique_ptr<store::sql::Pool> pool;
  std::unique_ptr<store::NodeDirectory> nodes;
  explicit TwoNodes(bool a_alive = true) {
    store::migrate_database(t.opts);
    pool = store::open_pool(t.opts);
    nodes = store::make_node_directory(*pool);
    if (a_alive) nodes->heartbeat("node-a");
    nodes->heartbeat("node-b");
    a = std::make_unique<DurableEventStore>(t.opts, 100, std::chrono::hours(1), "node-a");
    b = std::make_unique<DurableEventStore>(t.opts, 100, std::chrono::hours(1), "node-b");
  }
};
}  // namespace

TEST_CASE("shared store: both nodes append to one GET stream, read in one order on each",
          "[event_store][cluster]") {
  TwoNodes n;
  REQUIRE(n.a->shared());
  auto sa = session_on(*n.a);
  auto sb = session_on(*n.b);
  auto ga = sa->standalone();
  auto gb = sb->standalone();
  // A client reads each node's stream: only a stream read here is fetched.
  ga->attach([] {});
  gb->attach([] {});
  CHECK(ga->kind() == Stream::Kind::sequenced);
  CHECK(ga->append("from-a") != 0);
  n.a->flush();
  CHECK(gb->append("from-b") != 0);
  n.b->flush();
  // Each node's own appends come back once committed; the other's once announced.
  n.a->notify("sid.0");
  n.b->notify("");  // a reconnected feed: every followed stream
  REQUIRE(eventually([&] { return ga->durable_seq() == 2 && gb->durable_seq() == 2; }));
  CHECK(datas(*n.a, "sid.0") == std::vector<std::string>{"from-a", "from-b"});
  CHECK(datas(*n.b, "sid.0") == std::vector<std::string>{"from-a", "from-b"});
  CHECK(gb->last_seq() == 2);
  // Nobody reads a third node's copy: not fetched until caught up (a GET resolving it).
  DurableEventStore c(n.t.opts, 100, std::chrono::hours(1), "node-c");
  auto sc = session_on(c);
  auto gc = sc->standalone();
  c.notify("sid.0");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(gc->durable_seq() == 0);
  c.catch_up("sid.0");
  CHECK(gc->durable_seq() == 2);
  sa->close();
  CHECK(ga->append("after close") == 0);
}

TEST_CASE("shared store: a POST stream resumed on another node is followed to its end",
          "[event_store][cluster]") {
  TwoNodes n;
  auto sa = session_on(*n.a);
  auto sb = session_on(*n.b);
  auto p = sa->open_post_stream();
  n.a->open_post_stream("sid", p->key(), {"7"}, [] {});
  p->append("progress");
  n.a->flush();
  auto pb = sb->stream(p->number());
  REQUIRE(pb);
  CHECK(pb->kind() == Stream::Kind::remote);
  CHECK(pb->append("not here") == 0);  // only its node writes it
  pb->attach([] {});  // a client reads it here (a stream nobody reads is not polled)
  n.b->catch_up(pb->key());
  CHECK(pb->durable_seq() == 1);
  CHECK_FALSE(pb->finished());
  p->append("result");
  p->finish();
  n.a->flush();
  // Polled (kFollowPoll) while it is followed: it ends by itself.
  REQUIRE(eventually([&] { return pb->finished(); }));
  CHECK(pb->durable_seq() == 2);
  CHECK(datas(*n.b, pb->key()) == std::vector<std::string>{"progress", "result"});

  // Resuming it here after its end replays what is left, then 405 (ended).
  auto r = resolve_resume(*sb, event_id("sid", p->number(), 1));
  CHECK(r.stream == pb);
  CHECK(r.after == 1);
  CHECK_FALSE(r.ended);
  CHECK(resolve_resume(*sb, event_id("sid", p->number(), 2)).ended);
}

TEST_CASE("shared store: a dead node's unanswered request is answered as lost on resumption",
          "[event_store][cluster]") {
  TwoNodes n(false);
  auto sa = session_on(*n.a);
  auto p = sa->open_post_stream();
  n.a->open_post_stream("sid", p->key(), {"7", R"("call-8")"}, [] {});
  p->append("progress");
  n.a->flush();
  // node-a never wrote a heartbeat: its lease is long over. Another node resumes the stream.
  auto sb = session_on(*n.b);
  auto r = resolve_resume(*sb, event_id("sid", p->number(), 1));
  REQUIRE(r.stream);
  r.stream->attach([] {});  // the GET's reader
  REQUIRE(eventually([&] { return r.stream->finished() && r.stream->durable_seq() == 3; }));
  const auto events = n.b->read_after(r.stream->key(), 1, 10);
  REQUIRE(events.size() == 2);
  boost::system::error_code ec;
  const auto lost = parse_json(events[0].data, ec).as_object();
  CHECK(lost.at("id") == 7);
  CHECK(lost.at("error").at("code") == -32603);
  CHECK(lost.at("error").at("data").at("lost") == true);
  CHECK(parse_json(events[1].data, ec).at("id") == "call-8");
}

TEST_CASE("resumption from an event the store no longer keeps says so", "[event_store]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  DurableEventStore store(t.opts, 100, std::chrono::hours(1));
  auto s = session_on(store);
  // A stream number this store has nothing of: the GET stream, with a notice first.
  auto r = resolve_resume(*s, event_id("sid", 42, 3));
  CHECK(r.fresh);
  CHECK(r.stream->number() == 0);
  REQUIRE_FALSE(r.notice.empty());
  CHECK(r.notice.find("notifications/message") != std::string::npos);
  CHECK(r.notice.find("sid.42.3") != std::string::npos);
  CHECK(r.notice.rfind("id:", 0) == std::string::npos);  // no id: the client's cursor stays
  // Another session's id: the GET stream, and nothing said about that session.
  r = resolve_resume(*s, event_id("other", 1, 1));
  CHECK(r.fresh);
  CHECK(r.notice.empty());
}

TEST_CASE("shared store: a dead node's response that made it to the store is not answered again",
          "[event_store][cluster]") {
  TwoNodes n(false);
  auto sa = session_on(*n.a);
  auto p = sa->open_post_stream({"7", "8"});
  p->append(R"({"jsonrpc":"2.0","id":7,"result":{}})");  // a batch: 7 answered, 8 not yet
  n.a->flush();  // node-a dies here, before its record says the stream finished
  auto sb = session_on(*n.b);
  auto r = resolve_resume(*sb, event_id("sid", p->number(), 0));
  REQUIRE(r.stream);
  r.stream->attach([] {});
  REQUIRE(eventually([&] { return r.stream->finished() && r.stream->durable_seq() == 2; }));
  const auto events = n.b->read_after(r.stream->key(), 0, 10);
  REQUIRE(events.size() == 2);
  boost::system::error_code ec;
  CHECK(parse_json(events[1].data, ec).at("id") == 8);
  CHECK(parse_json(events[1].data, ec).at("error").at("data").at("lost") == true);
}

namespace {
struct FakePeers : Peers {
  explicit FakePeers(std::string id) : id_(std::move(id)) {}
  const std::string& node_id() const override { return id_; }
  void send(const std::string&, const std::string&, std::string) override {}
  void session_ended(const std::string&) override {}
  bool leads(std::string_view) const override { return true; }
  std::string id_;
};
gateway::CatalogItem item(std::string name) {
  return {name + "-id", name, json::object{{"name", name}}, {}, nullptr, nullptr};
}
}  // namespace

TEST_CASE(
    "shared store: a catalog change reaches a shared GET stream once per list, whatever "
    "each node saw before it",
    "[event_store][cluster]") {
  TwoNodes n;
  config::TransportConfig cfg;
  FakePeers pa("node-a"), pb("node-b");
  SessionManager ma(cfg, *n.a, n.a.get(), &pa), mb(cfg, *n.b, n.b.get(), &pb);
  auto s = ma.make("alice", {}, "2025-11-25");
  REQUIRE(ma.add(s));
  s->state().mark_initialized();
  ma.flush_registry();
  auto sb = mb.restore(s->id());
  REQUIRE(sb);
  const auto key = s->standalone()->key();
  s->standalone()->attach([] {});
  // Change 8 added a tool and a resource. Node b had already loaded the tool (an earlier
  // snapshot), so it sees only the resource; node a sees both. b tells it first.
  gateway::Catalog old_a, old_b, after;
  old_b.tools = {item("t")};
  after.tools = {item("t")};
  after.resources = {item("r")};
  after.epoch = 8;
  mcp::ListChanges seen_by_b(old_b, after), seen_by_a(old_a, after);
  mb.deliver(seen_by_b);
  n.b->flush();
  ma.deliver(seen_by_a);
  n.a->flush();
  n.a->catch_up(key);
  std::vector<std::string> methods;
  for (const auto& e : n.a->read_after(key, 0, 10)) {
    boost::system::error_code ec;
    methods.push_back(std::string(parse_json(e.data, ec).at("method").as_string()));
  }
  std::sort(methods.begin(), methods.end());
  CHECK(methods == std::vector<std::string>{"notifications/resources/list_changed",
                                            "notifications/tools/list_changed"});
  // Told again by either node: kept once.
  mcp::ListChanges again(old_a, after);
  mb.deliver(again);
  n.b->flush();
  n.a->catch_up(key);
  CHECK(n.a->read_after(key, 0, 10).size() == 2);
}
