#include "common/rate_limit.h"

#include <catch2/catch.hpp>

using namespace mcpgw;
using namespace std::chrono_literals;

TEST_CASE("rate limit: a burst, then the rate; refusals say when to retry", "[rate_limit]") {
  RateLimiter r;
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  const Rate rate{2, 3};  // 2 a second, bursts of 3
  for (int i = 0; i < 3; ++i)
    CHECK(r.take("alice", rate, t0).allowed);
  auto refused = r.take("alice", rate, t0);
  CHECK_FALSE(refused.allowed);
  CHECK(refused.retry_after == 500ms);
  CHECK(r.take("bob", rate, t0).allowed);  // a bucket per key
  CHECK_FALSE(r.take("alice", rate, t0 + 499ms).allowed);
  CHECK(r.take("alice", rate, t0 + 1000ms).allowed);  // 0.998 + 1 token after the refusal above
  // Refilled up to the burst only.
  for (int i = 0; i < 3; ++i)
    CHECK(r.take("carol", rate, t0 + 10s).allowed);
  CHECK_FALSE(r.take("carol", rate, t0 + 10s).allowed);
  CHECK(r.take("anyone", Rate{}, t0).allowed);  // 0: unlimited
}

TEST_CASE("rate limit: full buckets are forgotten when a shard fills", "[rate_limit]") {
  RateLimiter r;
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  const Rate rate{100, 1};
  for (std::size_t i = 0; i < RateLimiter::kShards * RateLimiter::kKeysPerShard * 2; ++i)
    r.take("k" + std::to_string(i), rate, t0 + std::chrono::milliseconds(i));
  CHECK(r.size() <= RateLimiter::kShards * RateLimiter::kKeysPerShard);
}

TEST_CASE("rate limits: per subject overrides, tool calls by subject and tool", "[rate_limit]") {
  RateLimits limits({{1, 1}, {1, 1}}, {{"ci", {{0, 0}, {1, 2}}}});
  CHECK(limits.any());
  CHECK(limits.request("alice").allowed);
  CHECK_FALSE(limits.request("alice").allowed);
  for (int i = 0; i < 5; ++i)
    CHECK(limits.request("ci").allowed);  // unlimited requests for ci
  CHECK(limits.tool_call("alice", "a").allowed);
  CHECK_FALSE(limits.tool_call("alice", "a").allowed);
  CHECK(limits.tool_call("alice", "b").allowed);
  CHECK(limits.tool_call("ci", "a").allowed);
  CHECK(limits.tool_call("ci", "a").allowed);
  CHECK_FALSE(limits.tool_call("ci", "a").allowed);
  CHECK_FALSE(RateLimits({}, {}).any());
}
