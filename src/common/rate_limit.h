#pragma once
// Token buckets by key (a principal's subject; a subject and a tool): each holds up to `burst`
// tokens and gains `per_second` a second; a request takes one or is refused with the time until
// one is there. Sharded so concurrent callers rarely meet on a lock; a shard that grows past its
// bound forgets its full buckets first (a full bucket is the same as none).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mcpgw {

struct Rate {
  double per_second = 0;  // 0: unlimited
  double burst = 0;       // 0: per_second (at least 1)
  bool limited() const { return per_second > 0; }
  bool operator==(const Rate&) const = default;
};

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kShards = 16, kKeysPerShard = 4096;

  struct Decision {
    bool allowed = true;
    std::chrono::milliseconds retry_after{0};  // when refused: until a token is there
  };
  Decision take(std::string_view key, Rate rate, Clock::time_point now = Clock::now());
  std::size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
  };
  Shard shards_[kShards];
};

// The gateway's limits (config rate_limits): every request a principal makes to a guarded route,
// and its tools/call of each tool. Subjects may have their own rates. Refusals are counted in
// mcpgw_rate_limited_total{limit="requests"|"tool_calls"}.
class RateLimits {
 public:
  struct Rates {
    Rate requests, tool_calls;
    bool operator==(const Rates&) const = default;
  };
  RateLimits(Rates defaults, std::unordered_map<std::string, Rates> by_subject);
  bool any() const { return any_; }
  RateLimiter::Decision request(std::string_view subject);
  RateLimiter::Decision tool_call(std::string_view subject, std::string_view tool);

 private:
  const Rates& rates_of(std::string_view subject) const;
  Rates defaults_;
  std::unordered_map<std::string, Rates> by_subject_;
  bool any_ = false;
  RateLimiter requests_, tool_calls_;
};

}  // namespace mcpgw
