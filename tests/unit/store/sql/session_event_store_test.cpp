#include <catch2/catch.hpp>

#include <atomic>

#include "common/clock.h"
#include "store/open.h"
#include "store/sql/sql_session_event_store.h"
#include "support/store_fixture.h"

using namespace mcpgw;

TEST_CASE("session and event repositories: durable round-trip, trim, removal after commit",
          "[store][sessions]") {
  test::TestDatabase t;
  const auto& opts = t.opts;
  store::migrate_database(opts);
  auto s = store::make_session_event_store(opts, std::chrono::hours(1), 100);
  const auto now = static_cast<std::int64_t>(unix_ms());
  s->save_session({"sid", "alice", std::nullopt, {"a", "b"}, "2025-11-25", "{}", "{}", now, now});
  for (std::uint64_t i = 1; i <= 5; ++i)
    s->append_event("sid", {"sid.0", i, "e" + std::to_string(i)},
                    i == 5 ? std::optional<std::uint64_t>(2) : std::nullopt);
  s->append_event("sid", {"sid.1", 1, "other"}, std::nullopt);
  s->flush();

  auto row = s->find_session("sid", now - 1);
  REQUIRE(row);
  CHECK(row->subject == "alice");
  CHECK_FALSE(row->server_id);
  CHECK(row->token_servers == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(s->find_session("sid", now + 1));  // not used since then

  auto events = s->session_events("sid");
  REQUIRE(events.size() == 4);  // seq 1 and 2 of sid.0 trimmed
  CHECK(events[0].stream_id == "sid.0");
  CHECK(events[0].seq == 3);
  CHECK(events[3].payload == "other");

  s->erase_stream_events("sid.1");
  std::atomic<bool> removed{false};
  s->remove_session("sid", [&] { removed = true; });
  s->flush();
  CHECK(removed);
  CHECK_FALSE(s->find_session("sid", 0));
  CHECK(s->session_events("sid").size() == 3);
  s->erase_session_events("sid");
  s->flush();
  CHECK(s->session_events("sid").empty());
}

TEST_CASE(
    "events queued together are written together, in order: the last of a (stream, seq) "
    "wins, each stream's trim applies, an erase between them still cuts",
    "[store][sessions]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto s = store::make_session_event_store(t.opts, std::chrono::hours(1), 100000);
  // 700 events over two streams (more than one statement of the largest size, and every size).
  for (std::uint64_t i = 1; i <= 350; ++i)
    for (const char* stream : {"a.1", "b.1"})
      s->append_event("sid", {stream, i, std::string(stream) + ":" + std::to_string(i)},
                      i == 300 ? std::optional<std::uint64_t>(100) : std::nullopt);
  s->append_event("sid", {"a.1", 7, "rewritten"}, std::nullopt);  // after the trim: kept
  s->append_event("sid", {"a.1", 200, "rewritten"}, std::nullopt);
  s->append_event("sid", {"c.1", 1, "before the erase"}, std::nullopt);
  s->erase_stream_events("c.1");
  s->append_event("sid", {"c.1", 2, "after the erase"}, std::nullopt);
  s->flush();
  const auto a = s->events_after("a.1", 0, 1000);
  REQUIRE(a.size() == 251);  // 101..350, and 7 written again after the trim
  CHECK(a[0].seq == 7);
  CHECK(a[0].payload == "rewritten");
  CHECK(a[1].seq == 101);
  CHECK(a[100].seq == 200);
  CHECK(a[100].payload == "rewritten");
  CHECK(a.back().payload == "a.1:350");
  const auto b = s->events_after("b.1", 0, 1000);
  REQUIRE(b.size() == 250);
  CHECK(b[0].seq == 101);
  const auto c = s->events_after("c.1", 0, 10);
  REQUIRE(c.size() == 1);
  CHECK(c[0].payload == "after the erase");
}
