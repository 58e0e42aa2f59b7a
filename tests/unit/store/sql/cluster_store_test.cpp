// What several nodes of one database share: streams the database numbers, POST stream records
// with their take-over, and the nodes' heartbeats and mailboxes. On SQLite and PostgreSQL.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "store/open.h"
#include "store/sql/sql_node_directory.h"
#include "store/sql/sql_session_event_store.h"
#include "support/store_fixture.h"

using namespace mcpgw;

TEST_CASE("a stream two nodes append to gets one gap-free order", "[store][cluster]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto a = store::make_session_event_store(t.opts, std::chrono::hours(1), 1000);
  auto b = store::make_session_event_store(t.opts, std::chrono::hours(1), 1000);
  auto append = [](store::SessionEventStore& s, const std::string& who) {
    for (int i = 0; i < 60; ++i)
      s.append_sequenced_event("sid", "sid.0", who + std::to_string(i), "", 1000, {});
  };
  std::thread ta([&] { append(*a, "a"); });
  std::thread tb([&] { append(*b, "b"); });
  ta.join();
  tb.join();
  a->flush();
  b->flush();
  const auto events = a->events_after("sid.0", 0, 1000);
  REQUIRE(events.size() == 120);
  std::set<std::string> payloads;
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].seq == i + 1);
    payloads.insert(events[i].payload);
  }
  CHECK(payloads.size() == 120);  // nothing overwritten
  // Each node's own events keep their order.
  int last_a = -1;
  for (const auto& e : events)
    if (e.payload[0] == 'a') {
      const int n = std::stoi(e.payload.substr(1));
      CHECK(n == last_a + 1);
      last_a = n;
    }
  CHECK(a->events_after("sid.0", 118, 10).size() == 2);
}

TEST_CASE("a sequenced stream keeps its newest events and its count", "[store][cluster]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto s = store::make_session_event_store(t.opts, std::chrono::hours(1), 1000);
  for (int i = 0; i < 40; ++i)
    s->append_sequenced_event("sid", "sid.0", "e" + std::to_string(i), "", 8, {});
  s->flush();
  const auto kept = s->events_after("sid.0", 0, 100);
  REQUIRE_FALSE(kept.empty());
  CHECK(kept.back().seq == 40);
  CHECK(kept.size() < 40);  // trimmed to about 8 (every 16 appends)
  // Even with every event gone, the count goes on: an old Last-Event-ID never names a new event.
  s->erase_stream_events("sid.0");
  s->append_sequenced_event("sid", "sid.0", "next", "", 8, {});
  s->flush();
  CHECK(s->events_after("sid.0", 0, 100).at(0).seq == 41);
}

TEST_CASE("a POST stream record: found, finished, taken over once from a dead node",
          "[store][cluster]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto s = store::make_session_event_store(t.opts, std::chrono::hours(1), 1000);
  auto pool = store::open_pool(t.opts);
  auto nodes = store::make_node_directory(*pool);
  s->open_post_stream({"sid.1", "sid", "node-a", {"7", R"("x")"}, false, true}, {});
  s->append_event("sid", {"sid.1", 1, "progress"}, std::nullopt);
  s->open_post_stream({"sid.2", "sid", "node-a", {"8"}, false, true}, {});
  s->flush();

  auto row = s->find_post_stream("sid.1", std::chrono::seconds(5));
  REQUIRE(row);
  CHECK(row->node_id == "node-a");
  CHECK(row->request_ids == std::vector<std::string>{"7", R"("x")"});
  CHECK_FALSE(row->finished);
  CHECK_FALSE(row->node_alive);  // no heartbeat yet
  nodes->heartbeat("node-a");
  CHECK(s->find_post_stream("sid.1", std::chrono::seconds(5))->node_alive);
  CHECK(nodes->alive("node-a", std::chrono::seconds(5)));
  CHECK_FALSE(nodes->alive("node-b", std::chrono::seconds(5)));
  nodes->heartbeat("node-0");
  CHECK(nodes->alive_nodes(std::chrono::seconds(5)) ==
        std::vector<std::string>{"node-0", "node-a"});
  nodes->leave("node-a");
  CHECK_FALSE(nodes->alive("node-a", std::chrono::seconds(5)));

  CHECK(s->take_over_post_stream("sid.1", "sid", "node-a", "node-b", {"lost-7", "lost-x"}));
  CHECK_FALSE(s->take_over_post_stream("sid.1", "sid", "node-a", "node-c", {"again"}));
  const auto events = s->events_after("sid.1", 0, 10);
  REQUIRE(events.size() == 3);
  CHECK(events[1].seq == 2);
  CHECK(events[1].payload == "lost-7");
  CHECK(events[2].payload == "lost-x");
  row = s->find_post_stream("sid.1", std::chrono::seconds(5));
  CHECK(row->finished);
  CHECK(row->node_id == "node-b");

  s->finish_post_stream("sid.2");
  s->flush();
  CHECK(s->find_post_stream("sid.2", std::chrono::seconds(5))->finished);
  CHECK_FALSE(s->take_over_post_stream("sid.2", "sid", "node-a", "node-b", {"late"}));
  CHECK_FALSE(s->find_post_stream("sid.9", std::chrono::seconds(5)));
  s->erase_session_events("sid");
  s->flush();
  CHECK_FALSE(s->find_post_stream("sid.2", std::chrono::seconds(5)));
}

TEST_CASE("a node's mailbox: messages in order, taken once", "[store][cluster]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto pool = store::open_pool(t.opts);
  auto nodes = store::make_node_directory(*pool);
  nodes->post("node-a", {"s1", "one"});
  nodes->post("node-b", {"s2", "other"});
  nodes->post("node-a", {"s1", "two"});
  const auto got = nodes->take("node-a");
  REQUIRE(got.size() == 2);
  CHECK(got[0].payload == "one");
  CHECK(got[1].payload == "two");
  CHECK(got[0].session_id == "s1");
  CHECK(nodes->take("node-a").empty());
  CHECK(nodes->take("node-b").size() == 1);
}

TEST_CASE("a sequenced stream keeps one event per dedupe key, whichever node appends it",
          "[store][cluster]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto a = store::make_session_event_store(t.opts, std::chrono::hours(1), 1000);
  auto b = store::make_session_event_store(t.opts, std::chrono::hours(1), 1000);
  a->append_sequenced_event("sid", "sid.0", "changed", "catalog:5:0", 100, {});
  a->flush();
  b->append_sequenced_event("sid", "sid.0", "changed", "catalog:5:0", 100, {});
  b->append_sequenced_event("sid", "sid.0", "other", "", 100, {});
  b->append_sequenced_event("sid", "sid.0", "changed again", "catalog:6:0", 100, {});
  b->flush();
  const auto events = a->events_after("sid.0", 0, 10);
  REQUIRE(events.size() == 3);
  CHECK(events[0].payload == "changed");
  CHECK(events[1].payload == "other");
  CHECK(events[1].seq == 2);  // the skipped one took no number
  CHECK(events[2].payload == "changed again");
  CHECK(events[2].seq == 3);
  // Another stream may have the same key.
  b->append_sequenced_event("sid2", "sid2.0", "changed", "catalog:5:0", 100, {});
  b->flush();
  CHECK(a->events_after("sid2.0", 0, 10).size() == 1);
}

TEST_CASE(
    "subscriptions: held, moved, dropped; a dead node's found by id or by a walk, claimed once",
    "[store][cluster][subscriptions]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto s = store::make_session_event_store(t.opts, std::chrono::hours(1), 1000);
  auto pool = store::open_pool(t.opts);
  auto nodes = store::make_node_directory(*pool);
  const std::chrono::seconds lease(5);
  nodes->heartbeat("node-a");
  nodes->heartbeat("node-b");
  CHECK_FALSE(s->hold_subscription({"s1", "u1", "node-a"}, lease));
  CHECK_FALSE(s->hold_subscription({"s1", "u2", "node-a"}, lease));
  CHECK_FALSE(s->hold_subscription({"s2", "u1", "node-c"}, lease));  // a node never seen
  // Held again by b: a held it, alive.
  auto before = s->hold_subscription({"s1", "u2", "node-b"}, lease);
  REQUIRE(before);
  CHECK(before->node_id == "node-a");
  CHECK(before->node_alive);
  CHECK(s->held_subscriptions("node-a").size() == 1);
  CHECK(s->held_subscriptions("node-b").size() == 1);

  // Nobody is dead by heartbeat; c has no row at all: only a walk finds its subscription.
  CHECK(s->orphaned_subscriptions("node-b", lease, 10, false).empty());
  auto walked = s->orphaned_subscriptions("node-b", lease, 10, true);
  REQUIRE(walked.size() == 1);
  CHECK(walked[0].node_id == "node-c");
  // a leaves: its row stays, dead, and its subscription is found by its id.
  nodes->leave("node-a");
  auto dead = s->orphaned_subscriptions("node-b", lease, 10, false);
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].session_id == "s1");
  CHECK(dead[0].uri == "u1");
  CHECK(dead[0].node_id == "node-a");
  CHECK(s->orphaned_subscriptions("node-b", lease, 10, true).size() == 2);
  CHECK(s->orphaned_subscriptions("node-b", lease, 1, true).size() == 1);
  // Claimed once: by b; d, a step behind, finds it taken.
  CHECK(s->claim_subscription({"s1", "u1", "node-b"}, "node-a"));
  CHECK_FALSE(s->claim_subscription({"s1", "u1", "node-d"}, "node-a"));
  CHECK(s->held_subscriptions("node-b").size() == 2);
  CHECK(s->orphaned_subscriptions("node-b", lease, 10, false).empty());

  auto dropped = s->drop_subscription("s1", "u1", lease);
  REQUIRE(dropped);
  CHECK(dropped->node_id == "node-b");
  CHECK(dropped->node_alive);
  CHECK_FALSE(s->drop_subscription("s1", "u1", lease));
  // A session's removal takes its subscriptions with it.
  s->remove_session("s1", {});
  s->flush();
  CHECK(s->held_subscriptions("node-b").empty());
}
