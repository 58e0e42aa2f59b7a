#pragma once
// HS256 JSON Web Tokens: verification of bearer tokens and minting for `mcpgw token create`.
// Signatures are computed and checked by libjwt (OpenSSL); claims are checked here.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"

namespace mcpgw::auth {

struct JwtSettings {
  std::string secret;  // HS256 key
  std::string issuer;
  std::string audience;
  std::chrono::seconds leeway{30};
};

struct JwtClaims {
  std::string subject;
  std::vector<std::string> scopes;
  std::vector<std::string> servers;
  std::chrono::seconds ttl{3600};
};

// Result of verification: a principal, or why not (one line, safe to show the caller).
struct JwtVerdict {
  std::optional<Principal> principal;
  std::string reason;
};

// Verifies HS256 tokens. A token that verified once is remembered (keyed by its exact text, so
// nothing forged can match) and later only its time bounds are checked: the signature, the JSON
// and the claims do not change. The cache is bounded; failures are never cached.
class JwtVerifier {
 public:
  explicit JwtVerifier(JwtSettings settings);
  ~JwtVerifier();
  JwtVerifier(JwtVerifier&&) noexcept;
  JwtVerifier& operator=(JwtVerifier&&) = delete;

  // now_s: current Unix time in seconds (a parameter so tests can move the clock).
  JwtVerdict verify(const std::string& token, std::int64_t now_s) const;

  static constexpr std::size_t kCacheCapacity = 8192;

 private:
  struct Verified;
  struct Cache;
  JwtVerdict verify_uncached(const std::string& token, std::int64_t now_s, Verified& out) const;
  JwtVerdict check_times(const Verified& v, std::int64_t now_s) const;

  JwtSettings settings_;
  std::unique_ptr<Cache> cache_;
};

// Mints a token with iss, aud, sub, scope (space-separated), servers, iat, nbf, exp and a random
// jti. Throws std::runtime_error if libjwt fails.
std::string mint_jwt(const JwtSettings& settings, const JwtClaims& claims, std::int64_t now_s);

}  // namespace mcpgw::auth
