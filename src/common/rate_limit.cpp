#include "common/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include "common/metrics.h"

namespace mcpgw {

RateLimiter::Decision RateLimiter::take(std::string_view key, Rate rate, Clock::time_point now) {
  if (!rate.limited()) return {};
  const double burst = std::max(1.0, rate.burst > 0 ? rate.burst : rate.per_second);
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  std::lock_guard lock(shard.mutex);
  auto it = shard.buckets.find(std::string(key));
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kKeysPerShard) {
      // Forget the buckets that have refilled: they would allow a whole burst anyway.
      std::erase_if(shard.buckets, [&](const auto& kv) {
        const double age = std::chrono::duration<double>(now - kv.second.at).count();
        return kv.second.tokens + age * rate.per_second >= burst;
      });
    }
    it = shard.buckets.emplace(std::string(key), Bucket{burst, now}).first;
  }
  Bucket& b = it->second;
  const double elapsed = std::max(0.0, std::chrono::duration<double>(now - b.at).count());
  b.tokens = std::min(burst, b.tokens + elapsed * rate.per_second);
  b.at = now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {};
  }
  const double wait = (1 - b.tokens) / rate.per_second;
  return {false, std::chrono::milliseconds(static_cast<std::int64_t>(std::ceil(wait * 1000)))};
}

RateLimits::RateLimits(Rates defaults, std::unordered_map<std::string, Rates> by_subject)
    : defaults_(defaults), by_subject_(std::move(by_subject)) {
  any_ = defaults_.requests.limited() || defaults_.tool_calls.limited();
  for (const auto& [s, r] : by_subject_)
    any_ = any_ || r.requests.limited() || r.tool_calls.limited();
}

const RateLimits::Rates& RateLimits::rates_of(std::string_view subject) const {
  if (by_subject_.empty()) return defaults_;
  auto it = by_subject_.find(std::string(subject));
  return it == by_subject_.end() ? defaults_ : it->second;
}

namespace {
void count_refusal(const char* limit) {
  if (!metrics::enabled()) return;
  metrics::registry()
      .counter("mcpgw_rate_limited_total", "Requests refused by a rate limit (429)", {"limit"})
      .with({limit})
      .inc();
}
}  // namespace

RateLimiter::Decision RateLimits::request(std::string_view subject) {
  auto d = requests_.take(subject, rates_of(subject).requests);
  if (!d.allowed) count_refusal("requests");
  return d;
}

RateLimiter::Decision RateLimits::tool_call(std::string_view subject, std::string_view tool) {
  const Rate& rate = rates_of(subject).tool_calls;
  if (!rate.limited()) return {};
  std::string key(subject);
  key += '\n';
  key += tool;
  auto d = tool_calls_.take(key, rate);
  if (!d.allowed) count_refusal("tool_calls");
  return d;
}

std::size_t RateLimiter::size() const {
  std::size_t n = 0;
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace mcpgw
