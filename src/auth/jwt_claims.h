#pragma once
// What mcpgw's own JWTs and those of external issuers share: reading claims, the unverified look
// at a token that picks its verifier, and the cache of tokens that verified.
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/principal.h"
#include "common/claims.h"

namespace mcpgw::auth {

// Result of verification: a principal, or why not (one line, safe to show the caller).
struct JwtVerdict {
  std::optional<Principal> principal;
  std::string reason;
  // No answer yet: the token names a key this issuer may publish soon (unknown kid, keys not
  // fetched yet). Asked again where waiting is allowed (verify with may_wait), it waits for keys.
  bool wait_for_keys = false;
  std::uint64_t keys_generation = 0;  // with wait_for_keys: the key set that lacked the key
};

inline JwtVerdict reject(std::string why) {
  return {std::nullopt, std::move(why), false, 0};
}

// NumericDate (RFC 7519: seconds, fractions allowed). nullopt: absent; NaN: not a number.
std::optional<double> numeric_date(const boost::json::object& claims, const char* name);

// A JWT's header and claims, decoded but not verified: only to choose the verifier.
struct TokenView {
  std::string alg;
  std::string kid;
  std::string issuer;  // the iss claim, "" when absent
};
std::optional<TokenView> peek_jwt(std::string_view token);

// The time bounds of a token that verified, and its principal.
struct Verified {
  Principal principal;
  double exp = 0;
  std::optional<double> nbf;
};

// exp and nbf against now (seconds), with leeway.
JwtVerdict check_times(const Verified& v, std::int64_t now_s, std::int64_t leeway_s);

// Tokens that verified, keyed by their exact text (so nothing forged can match): later uses
// check only the time bounds. Sharded so concurrent requests rarely meet on a lock; each shard
// holds at most capacity / kShards entries and drops an arbitrary one when full. Failures are
// never cached.
class VerifiedCache {
 public:
  static constexpr std::size_t kCapacity = 8192;
  // The verdict on a cached token's time bounds; nullopt when it is not cached.
  std::optional<JwtVerdict> check(const std::string& token, std::int64_t now_s,
                                  std::int64_t leeway_s) const;
  void put(const std::string& token, Verified v);
  void clear();

 private:
  static constexpr std::size_t kShards = 16;
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<std::string, Verified> entries;
  };
  Shard& shard_for(const std::string& token) const {
    return shards_[std::hash<std::string>{}(token) % kShards];
  }
  mutable Shard shards_[kShards];
};

}  // namespace mcpgw::auth
