#pragma once
// HS256 JSON Web Tokens: verification of bearer tokens and minting for `mcpgw token create`.
// Signatures are computed and checked by libjwt (OpenSSL); claims are checked here.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt_claims.h"

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

// Verifies HS256 tokens. A token that verified once is remembered (VerifiedCache) and later
// only its time bounds are checked: the signature, the JSON and the claims do not change.
class JwtVerifier {
 public:
  explicit JwtVerifier(JwtSettings settings);
  ~JwtVerifier();
  JwtVerifier(JwtVerifier&&) noexcept;
  JwtVerifier& operator=(JwtVerifier&&) = delete;

  // now_s: current Unix time in seconds (a parameter so tests can move the clock).
  JwtVerdict verify(const std::string& token, std::int64_t now_s) const;

  static constexpr std::size_t kCacheCapacity = VerifiedCache::kCapacity;

 private:
  JwtVerdict verify_uncached(const std::string& token, std::int64_t now_s, Verified& out) const;

  JwtSettings settings_;
  std::unique_ptr<VerifiedCache> cache_;
};

// The claims of a token whose signature verifies with key under alg ("HS256": key is the secret;
// "RS256", "ES256", ...: key is a PEM public key); nullopt with why otherwise. A token signed
// with any other algorithm is refused, even one libjwt could check with this key.
std::optional<boost::json::object> signed_claims(const std::string& token, std::string_view key,
                                                 std::string_view alg, std::string& why);
// exp (required) and nbf into out; the reason when they are missing or not numbers.
std::optional<std::string> read_times(const boost::json::object& claims, Verified& out);

// Mints a token with iss, aud, sub, scope (space-separated), servers, iat, nbf, exp and a random
// jti. Throws std::runtime_error if libjwt fails.
std::string mint_jwt(const JwtSettings& settings, const JwtClaims& claims, std::int64_t now_s);

}  // namespace mcpgw::auth
