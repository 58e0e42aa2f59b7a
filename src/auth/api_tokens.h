#pragma once
// Opaque API tokens: "mcpgw_" + 64 hex characters of CSPRNG output. The token is shown once at
// creation; only its SHA-256 is stored, so a database leak reveals no usable token.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/principal.h"
#include "store/api_token_repository.h"

namespace mcpgw::auth {

inline constexpr std::string_view kApiTokenPrefix = "mcpgw_";

struct NewApiToken {
  std::string name;
  std::string subject;
  std::vector<std::string> scopes;
  std::vector<std::string> servers;
  std::optional<std::chrono::seconds> ttl;  // none: does not expire
};

struct CreatedApiToken {
  std::string token;  // the only time the plain token exists
  store::ApiTokenRecord record;
};

struct ApiTokenVerdict {
  std::optional<Principal> principal;
  std::string reason;
};

// Verification reads the database (the token's record by its hash) at most once per token per
// cache_ttl: a request is checked on an I/O thread, and a query on every request would put the
// database's latency (a network round trip with PostgreSQL) into every request. A token revoked
// here stops working at once; one revoked through another node stops here within cache_ttl.
class ApiTokenService {
 public:
  explicit ApiTokenService(store::ApiTokenRepository& repo,
                           std::chrono::milliseconds cache_ttl = std::chrono::seconds(10))
      : repo_(repo), cache_ttl_(cache_ttl) {}

  CreatedApiToken create(const NewApiToken& req, std::int64_t now_ms);
  // Blocking on a cache miss (a database read).
  ApiTokenVerdict verify(const std::string& token, std::int64_t now_ms);
  // From the cache only; nullopt when the answer needs the database.
  std::optional<ApiTokenVerdict> verify_cached(const std::string& token, std::int64_t now_ms);
  // Revokes (blocking) and forgets the cache; then tells the other nodes (on_revoked).
  bool revoke(const std::string& id, std::int64_t now_ms);
  // Another node revoked a token: the next checks read the database again.
  void forget_cached();
  // Set before serving (several nodes): how the other nodes learn of a revocation, so that the
  // token stops there within the feed's latency instead of the cache's TTL. Blocking.
  void on_revoked(std::function<void()> tell_others) { tell_others_ = std::move(tell_others); }
  std::vector<store::ApiTokenRecord> list() { return repo_.list(); }
  std::vector<store::ApiTokenRecord> page(const store::ApiTokenRepository::PageQuery& q) {
    return repo_.page(q);
  }
  std::optional<store::ApiTokenRecord> find(const std::string& id) { return repo_.find_by_id(id); }

  static bool looks_like_api_token(std::string_view token);

 private:
  // The record of a token hash (nullopt: unknown) as read at `read`.
  struct Cached {
    std::optional<store::ApiTokenRecord> record;
    std::chrono::steady_clock::time_point read;
  };
  static constexpr std::size_t kMaxCached = 10'000;  // then it starts over: bounded memory
  std::optional<store::ApiTokenRecord> record_of(const std::string& hash);
  // The cached record (nullopt: none cached, or stale); its value may be "unknown" (nullopt).
  std::optional<std::optional<store::ApiTokenRecord>> cached(const std::string& hash);
  static ApiTokenVerdict verdict_of(const std::optional<store::ApiTokenRecord>& rec,
                                    std::int64_t now_ms);

  store::ApiTokenRepository& repo_;
  const std::chrono::milliseconds cache_ttl_;
  std::mutex cache_mutex_;
  std::unordered_map<std::string, Cached> cache_;
  std::function<void()> tell_others_;
};

}  // namespace mcpgw::auth
