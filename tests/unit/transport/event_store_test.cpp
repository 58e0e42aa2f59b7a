#include <catch2/catch.hpp>
#include <thread>

#include "common/clock.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/open.h"
#include "support/store_fixture.h"
#include "transport/durable_event_store.h"
#include "transport/memory_event_store.h"
#include "transport/session_manager.h"

using namespace mcpgw;
using namespace mcpgw::transport;

namespace {
std::vector<std::uint64_t> seqs(const std::vector<StoredEvent>& v) {
  std::vector<std::uint64_t> out;
  for (const auto& e : v)
    out.push_back(e.seq);
  return out;
}

// The same contract, whichever store.
void check_replay_semantics(EventStore& s) {
  for (std::uint64_t i = 1; i <= 5; ++i)
    s.append("sa", "sa.0", i, "a" + std::to_string(i));
  for (std::uint64_t i = 1; i <= 3; ++i)
    s.append("sa", "sa.1", i, "p" + std::to_string(i));
  for (std::uint64_t i = 1; i <= 2; ++i)
    s.append("sb", "sb.0", i, "b" + std::to_string(i));
  CHECK(seqs(s.read_after("sa.0", 2, 100)) == std::vector<std::uint64_t>{3, 4, 5});
  CHECK(s.read_after("sa.0", 2, 100)[0].data == "a3");
  CHECK(seqs(s.read_after("sa.0", 2, 2)) == std::vector<std::uint64_t>{3, 4});
  CHECK(s.read_after("sa.0", 5, 100).empty());
  CHECK(s.read_after("sa.1", 0, 100).size() == 3);  // streams do not mix
  CHECK(s.read_after("nope.0", 0, 100).empty());
  CHECK(s.last_seq("sa.0") == 5);
  CHECK(s.last_seq("nope.0") == 0);
  s.append("sa", "sa.2", 1, "gone");
  s.erase_stream("sa", "sa.2");
  CHECK(s.read_after("sa.2", 0, 100).empty());
  CHECK(s.last_seq("sa.2") == 0);
  CHECK(s.read_after("sa.1", 0, 100).size() == 3);  // only that stream
  s.erase_session("sa");
  CHECK(s.read_after("sa.0", 0, 100).empty());
  CHECK(s.read_after("sa.1", 0, 100).empty());
  CHECK(s.read_after("sb.0", 0, 100).size() == 2);  // other sessions untouched
}
}  // namespace

TEST_CASE("memory store: replay after a cursor, per stream, per session", "[event_store]") {
  MemoryEventStore s(100);
  check_replay_semantics(s);
}

TEST_CASE("memory store keeps a bounded ring per stream", "[event_store]") {
  MemoryEventStore s(3);
  for (std::uint64_t i = 1; i <= 10; ++i)
    s.append("x", "x.0", i, "e");
  CHECK(seqs(s.read_after("x.0", 0, 100)) == std::vector<std::uint64_t>{8, 9, 10});
  CHECK(s.last_seq("x.0") == 10);
}

TEST_CASE("durable store: same replay semantics", "[event_store]") {
  test::TestDatabase t;
  const auto& db = t.opts;
  store::migrate_database(db);
  DurableEventStore s(db, 100, std::chrono::hours(1));
  check_replay_semantics(s);
}

TEST_CASE("durable store: a reopened store restores a session and its events", "[event_store]") {
  test::TestDatabase t;
  const auto& db = t.opts;
  store::migrate_database(db);
  SessionRecord rec{
      "sid1", "alice", std::string("srv"), {"srv"}, "2025-11-25", R"({"name":"c"})", "{}", 1, 1};
  {
    DurableEventStore s(db, 100, std::chrono::hours(1));
    rec.created_at = rec.last_used_at = mcpgw::unix_ms();
    s.save(rec);
    for (std::uint64_t i = 1; i <= 4; ++i)
      s.append("sid1", "sid1.0", i, "g" + std::to_string(i));
    s.append("sid1", "sid1.7", 1, "post");
    s.append("other", "other.0", 1, "foreign");
  }  // destroyed: every queued write is committed
  DurableEventStore reopened(db, 100, std::chrono::hours(1));
  CHECK(reopened.read_after("sid1.0", 0, 100).empty());  // nothing in memory before restore
  std::uint64_t max_stream = 0;
  auto got = reopened.restore("sid1", max_stream);
  REQUIRE(got);
  CHECK(got->subject == "alice");
  CHECK(got->server_id == std::optional<std::string>("srv"));
  CHECK(got->token_servers == std::vector<std::string>{"srv"});
  CHECK(got->protocol_version == "2025-11-25");
  CHECK(max_stream == 7);
  CHECK(seqs(reopened.read_after("sid1.0", 2, 100)) == std::vector<std::uint64_t>{3, 4});
  CHECK(reopened.read_after("sid1.7", 0, 100).at(0).data == "post");
  CHECK(reopened.read_after("other.0", 0, 100).empty());  // another session's events stay out
  std::uint64_t unused = 0;
  CHECK_FALSE(reopened.restore("unknown", unused));
}

TEST_CASE("durable store: removed and expired sessions are not restored", "[event_store]") {
  test::TestDatabase t;
  const auto& db = t.opts;
  store::migrate_database(db);
  DurableEventStore s(db, 100, std::chrono::minutes(10));
  const auto now = mcpgw::unix_ms();
  s.save({"gone", "alice", std::nullopt, {}, "2025-11-25", "{}", "{}", now, now});
  s.remove("gone");  // queued right behind the save: restore settles the queue first
  std::uint64_t m = 0;
  CHECK_FALSE(s.restore("gone", m));
  s.save({"old",
          "alice",
          std::nullopt,
          {},
          "2025-11-25",
          "{}",
          "{}",
          now - 3'600'000,
          now - 3'600'000});
  CHECK_FALSE(s.restore("old", m));
}

TEST_CASE("durable store trims each stream to its bound on disk", "[event_store]") {
  test::TestDatabase t;
  const auto& db = t.opts;
  store::migrate_database(db);
  {
    DurableEventStore s(db, 10, std::chrono::hours(1));
    for (std::uint64_t i = 1; i <= 64; ++i)
      s.append("t", "t.0", i, "e");
  }
  auto pool = store::open_pool(db);
  const auto rows = pool->acquire()->query(
      "SELECT COUNT(*) AS n, MIN(seq) AS low FROM events WHERE stream_id = 't.0'");
  CHECK(rows[0].integer("n") <= 10 + 16);
  CHECK(rows[0].integer("low") > 64 - 10 - 16);
}

TEST_CASE("event ids encode session, stream and sequence", "[event_store]") {
  CHECK(event_id("abc", 2, 17) == "abc.2.17");
  auto id = parse_event_id("abc.2.17");
  REQUIRE(id);
  CHECK(id->session_id == "abc");
  CHECK(id->stream == 2);
  CHECK(id->seq == 17);
  for (const char* bad :
       {"", "abc", "abc.2", ".2.3", "abc..3", "abc.x.3", "abc.2.-1", "abc.2.3x"}) {
    INFO(bad);
    CHECK_FALSE(parse_event_id(bad));
  }
}

TEST_CASE("a session in use stays in the database whose retention has a TTL under a minute",
          "[event_store]") {
  // Retention deletes sessions unused for the TTL: a session used all along must have its use
  // written more often than that (it was once a minute, whatever the TTL).
  test::TestDatabase t;
  store::migrate_database(t.opts);
  config::TransportConfig cfg;
  cfg.session_idle_ttl = std::chrono::milliseconds(800);
  DurableEventStore store(t.opts, 100, cfg.session_idle_ttl);
  SessionManager sessions(cfg, store, &store);
  CHECK(sessions.touch_interval() == std::chrono::milliseconds(200));
  auto s = sessions.make("alice", {}, "2025-11-25");
  REQUIRE(sessions.add(s));
  for (int i = 0; i < 8; ++i) {  // 1.6 s of use, twice the TTL
    sessions.touch(*s);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  store.flush();
  // What a node that does not hold it finds: the database's record, used within the TTL.
  DurableEventStore other(t.opts, 100, cfg.session_idle_ttl);
  std::uint64_t m = 0;
  CHECK(other.restore(s->id(), m));
}
