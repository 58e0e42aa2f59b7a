#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "transport/memory_event_store.h"
#include "transport/session_manager.h"
#include "transport/wire.h"

using namespace mcpgw;
using namespace mcpgw::transport;
namespace json = boost::json;

namespace {
gateway::CatalogItem tool(std::string name) {
  return {name + "-id", name, json::object{{"name", name}}, {}, nullptr, nullptr};
}
config::TransportConfig cfg_with(std::size_t max_sessions, std::chrono::milliseconds ttl) {
  config::TransportConfig c;
  c.max_sessions = max_sessions;
  c.session_idle_ttl = ttl;
  return c;
}
}  // namespace

TEST_CASE("a stream stores before it wakes, numbers its events, and ends", "[session]") {
  MemoryEventStore store(100);
  auto s = std::make_shared<Stream>("sid", 1, store);
  int woken = 0;
  const auto token = s->attach([&] { ++woken; });
  CHECK(s->append("a") == 1);
  CHECK(s->append("b") == 2);
  CHECK(woken == 2);
  CHECK(store.read_after(s->key(), 0, 10).size() == 2);
  s->finish();
  CHECK(s->finished());
  CHECK(s->append("late") == 0);  // nothing after the end
  CHECK(s->last_seq() == 2);
  CHECK(s->is_reader(token));
}

TEST_CASE("a new reader replaces the old one: one message, one stream", "[session]") {
  MemoryEventStore store(100);
  auto s = std::make_shared<Stream>("sid", 0, store);
  int first = 0, second = 0;
  const auto t1 = s->attach([&] { ++first; });
  const auto t2 = s->attach([&] { ++second; });
  CHECK(first == 1);  // told to look up and leave
  CHECK_FALSE(s->is_reader(t1));
  CHECK(s->is_reader(t2));
  s->append("x");
  CHECK(first == 1);
  CHECK(second == 1);
  s->detach(t1);  // a stale detach changes nothing
  CHECK(s->has_reader());
  s->detach(t2);
  CHECK_FALSE(s->has_reader());
}

TEST_CASE("a stream continues numbering after what the store holds", "[session]") {
  MemoryEventStore store(100);
  store.append("sid", "sid.0", 41, "old");
  auto s = std::make_shared<Stream>("sid", 0, store);
  CHECK(s->append("new") == 42);
  CHECK(s->durable_seq() == 42);  // memory: durable as it is stored
}

// A store that reports durability later, as the database's writer thread does.
struct DeferredStore : MemoryEventStore {
  DeferredStore() : MemoryEventStore(100) {}
  std::vector<std::function<void()>> pending;
  void append_durable(const std::string& session, const std::string& key, std::uint64_t seq,
                      std::string data, std::function<void()> on_durable) override {
    append(session, key, seq, std::move(data));
    pending.push_back(std::move(on_durable));
  }
};

TEST_CASE("a stream lets readers send only what the store holds durably", "[session]") {
  DeferredStore store;
  auto s = std::make_shared<Stream>("sid", 3, store);
  int woken = 0;
  s->attach([&] { ++woken; });
  s->append("a");
  s->append("b");
  CHECK(s->last_seq() == 2);
  CHECK(s->durable_seq() == 0);  // stored, not yet durable: not to be sent
  CHECK(woken == 0);
  store.pending[0]();
  CHECK(s->durable_seq() == 1);
  CHECK(woken == 1);
  store.pending[1]();
  CHECK(s->durable_seq() == 2);
  store.pending[0]();  // a late report never moves the mark back
  CHECK(s->durable_seq() == 2);
}

TEST_CASE("a long session forgets its oldest finished streams and their events", "[session]") {
  MemoryEventStore store(100);
  Session s("sid", "alice", {}, std::make_shared<mcp::SessionState>("2025-11-25"), store);
  const auto first = s.open_post_stream();
  first->append("r1");
  first->finish();
  first->unpin();                          // its POST is done with it
  const auto busy = s.open_post_stream();  // still running: kept, however old
  busy->append("progress");
  busy->unpin();
  // Finished, but their POSTs are still sending them (pinned), or a client reads one: kept.
  const auto sending = s.open_post_stream();
  sending->append("r");
  sending->finish();
  const auto read = s.open_post_stream();
  read->append("r");
  read->finish();
  read->unpin();
  const auto reader = read->attach([] {});
  for (std::size_t i = 0; i < Session::kKeptStreams + 8; ++i) {
    auto p = s.open_post_stream();
    p->append("r");
    p->finish();
    p->unpin();
  }
  CHECK(store.last_seq(first->key()) == 0);  // its events are gone from the store
  CHECK(s.stream(first->number()) == nullptr);
  CHECK(store.last_seq(busy->key()) == 1);
  CHECK(s.stream(busy->number()) == busy);
  CHECK(store.last_seq(sending->key()) == 1);
  CHECK(s.stream(sending->number()) == sending);
  CHECK(store.last_seq(read->key()) == 1);
  CHECK(s.stream(read->number()) == read);
  read->detach(reader);
  const auto last = s.open_post_stream();
  CHECK(s.stream(last->number() - 1) != nullptr);  // recent ones stay resumable
}

TEST_CASE("sessions: limit, lookup, removal closes streams and drops events", "[session]") {
  MemoryEventStore store(100);
  gateway::CatalogService catalog;
  SessionManager m(cfg_with(2, std::chrono::minutes(5)), store, nullptr);
  auto a = m.make("alice", {}, "2025-11-25");
  auto b = m.make("alice", {}, "2025-11-25");
  auto c = m.make("alice", {}, "2025-11-25");
  CHECK(a->id() != b->id());
  CHECK(a->id().size() == 32);
  CHECK(m.add(a));
  CHECK(m.add(b));
  CHECK(m.full());
  CHECK_FALSE(m.add(c));
  CHECK(m.find(a->id()) == a);
  CHECK_FALSE(m.find(c->id()));
  auto g = a->standalone();
  g->append("e");
  CHECK(m.remove(a->id()));
  CHECK(a->closed());
  CHECK(g->finished());
  CHECK(store.read_after(g->key(), 0, 10).empty());
  CHECK_FALSE(m.remove(a->id()));
  CHECK(m.size() == 1);
}

TEST_CASE("idle sessions are reaped, busy or streaming ones are not", "[session]") {
  MemoryEventStore store(100);
  gateway::CatalogService catalog;
  SessionManager m(cfg_with(10, std::chrono::milliseconds(1000)), store, nullptr);
  auto idle = m.make("a", {}, "2025-11-25");
  auto streaming = m.make("a", {}, "2025-11-25");
  m.add(idle);
  m.add(streaming);
  streaming->standalone()->attach([] {});
  const auto later = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  CHECK(m.reap(later) == 1);
  CHECK_FALSE(m.find(idle->id()));
  CHECK(m.find(streaming->id()));
  CHECK(m.reap(std::chrono::steady_clock::now()) == 0);
}

TEST_CASE("catalog changes notify exactly the sessions whose view changed", "[session]") {
  MemoryEventStore store(100);
  gateway::CatalogService catalog;
  gateway::Catalog c0;
  c0.tools = {tool("a"), tool("b")};
  c0.servers["s1"] = {"s1", "one", {"a-id"}, false, {}, {}, {}, {}};
  c0.servers["s2"] = {"s2", "two", {"b-id"}, false, {}, {}, {}, {}};
  catalog.publish(c0);
  SessionManager m(cfg_with(10, std::chrono::minutes(5)), store, nullptr);
  mcp::on_list_changes(catalog, [&m](mcp::ListChanges& changes) { m.deliver(changes); });
  auto all = m.make("u", {}, "2025-11-25");
  auto on_s1 = m.make("u", gateway::Scope{"s1", {}}, "2025-11-25");
  auto on_s2 = m.make("u", gateway::Scope{"s2", {}}, "2025-11-25");
  auto not_ready = m.make("u", {}, "2025-11-25");
  for (auto& s : {all, on_s1, on_s2, not_ready})
    m.add(s);
  for (auto& s : {all, on_s1, on_s2})
    s->state().mark_initialized();

  gateway::Catalog c1 = c0;
  c1.tools.push_back(tool("c"));
  c1.servers["s2"].items.insert("c-id");
  gateway::normalize(c1);
  catalog.publish(c1);
  auto events = [&](const std::shared_ptr<Session>& s) {
    return store.read_after(s->standalone()->key(), 0, 10);
  };
  REQUIRE(events(all).size() == 1);
  CHECK(json::parse(events(all)[0].data).at("method") == "notifications/tools/list_changed");
  CHECK(events(on_s1).empty());  // s1's view did not change
  CHECK(events(on_s2).size() == 1);
  CHECK(events(not_ready).empty());  // not initialized yet
}

TEST_CASE("Accept, Origin and Host helpers", "[endpoint]") {
  CHECK(parse_accept("application/json, text/event-stream").json);
  CHECK(parse_accept("application/json, text/event-stream").sse);
  auto only_sse = parse_accept("text/event-stream");
  CHECK((!only_sse.json && only_sse.sse));
  CHECK(parse_accept("*/*").json);
  CHECK(parse_accept("").sse);
  CHECK_FALSE(parse_accept("text/plain").json);
  CHECK_FALSE(parse_accept("application/json;q=0, text/event-stream").json);
  CHECK(parse_accept("Application/JSON; charset=utf-8").json);
  CHECK(is_local_origin("http://localhost:3000"));
  CHECK(is_local_origin("https://127.0.0.1"));
  CHECK(is_local_origin("http://[::1]:8080"));
  CHECK_FALSE(is_local_origin("http://localhost.evil.example"));
  CHECK_FALSE(is_local_origin("http://evil.example"));
  CHECK_FALSE(is_local_origin("null"));
  CHECK(is_local_host("127.0.0.1:8080"));
  CHECK(is_local_host("localhost"));
  CHECK(is_local_host("[::1]:9"));
  CHECK_FALSE(is_local_host("evil.example:8080"));
  CHECK_FALSE(is_local_host(""));
}

TEST_CASE("a restored session numbers its POST streams apart from its creator's", "[session]") {
  MemoryEventStore store(100);
  Session creator("sid", "alice", {}, std::make_shared<mcp::SessionState>("2025-11-25"), store);
  CHECK(creator.open_post_stream()->number() == 1);
  Session restored("sid", "alice", {}, std::make_shared<mcp::SessionState>("2025-11-25"), store);
  restored.number_streams_apart();
  const auto a = restored.open_post_stream()->number();
  const auto b = restored.open_post_stream()->number();
  CHECK(a >= (std::uint64_t{1} << 32));
  CHECK(a < (std::uint64_t{1} << 53));
  CHECK(b == a + 1);
  CHECK(creator.open_post_stream()->number() == 2);  // the creator's own count goes on below
  // A stream the store holds events of is found by its number, whoever opened it.
  store.append("sid", stream_key("sid", 77), 1, "x");
  REQUIRE(restored.stream(77));
  CHECK(restored.stream(77)->finished());
}

TEST_CASE("server-to-client request ids name their node when nodes share sessions", "[session]") {
  CHECK(request_id_prefix("a1b2c3") == "mcpgw-a1b2c3-");
  CHECK(node_of_request_id("mcpgw-a1b2c3-17") == std::optional<std::string>("a1b2c3"));
  CHECK_FALSE(node_of_request_id("mcpgw-17"));  // one node's ids
  CHECK_FALSE(node_of_request_id("mcpgw--17"));
  CHECK_FALSE(node_of_request_id("client-a-1"));
  mcp::SessionState state("2025-11-25");
  state.set_request_id_prefix(request_id_prefix("n1"));
  CHECK(state.next_request_id() == "mcpgw-n1-1");
}
