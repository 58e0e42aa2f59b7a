#include "gateway/session_pool.h"

#include <catch2/catch.hpp>

using mcpgw::gateway::SessionPool;
using namespace std::chrono_literals;

TEST_CASE("the pool keeps one set of upstream sessions per key", "[gateway]") {
  SessionPool pool(10, 10min);
  const auto t0 = SessionPool::Clock::now();
  auto a = pool.get("alice\n", t0);
  CHECK(pool.get("alice\n", t0 + 1s) == a);
  CHECK(pool.get("bob\n", t0 + 1s) != a);
  CHECK(pool.get("alice\ns1", t0 + 1s) != a);
  CHECK(pool.size() == 3);
}

TEST_CASE("the pool closes keys idle too long, but not one in use", "[gateway]") {
  SessionPool pool(10, 10min);
  const auto t0 = SessionPool::Clock::now();
  auto held = pool.get("held", t0);
  pool.get("idle", t0);
  pool.get("fresh", t0 + 10min);
  pool.get("other", t0 + 11min);  // sweeps: "idle" goes, "held" is in use
  CHECK(pool.size() == 3);
  CHECK(pool.get("held", t0 + 11min) == held);
}

TEST_CASE("at capacity the least recently used idle key makes room", "[gateway]") {
  SessionPool pool(2, 10min);
  const auto t0 = SessionPool::Clock::now();
  auto first = pool.get("a", t0);
  first.reset();
  pool.get("b", t0 + 1s);
  pool.get("c", t0 + 2s);  // "a" goes
  CHECK(pool.size() == 2);
  auto b = pool.get("b", t0 + 3s);
  auto c = pool.get("c", t0 + 3s);
  pool.get("d", t0 + 4s);  // every key busy: the pool grows
  CHECK(pool.size() == 3);
}
