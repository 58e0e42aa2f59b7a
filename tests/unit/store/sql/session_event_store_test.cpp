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
