#pragma once
// Turns an Authorization header into a Principal. Bearer tokens only (never the query string).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/api_tokens.h"
#include "auth/external_issuer.h"
#include "auth/jwt.h"

namespace mcpgw::auth {

struct AuthResult {
  std::optional<Principal> principal;
  // When principal is empty: whether a token was presented at all (RFC 6750: no error code when
  // the request had no credentials, error="invalid_token" when it had bad ones), and why.
  bool token_presented = false;
  std::string reason;
  // The answer needs a database read (authenticate with may_block false), or keys an external
  // issuer is fetching: ask again where waiting is allowed.
  bool needs_lookup = false;
  // With may_block: the token's issuer is fetching keys; wait_for_keys(wait_generation) on it,
  // then authenticate once more with may_wait false.
  const ExternalIssuer* wait_issuer = nullptr;
  std::uint64_t wait_generation = 0;
};

class Authenticator {
 public:
  // required == false: every request is the anonymous principal with all scopes (development).
  // issuers: external identity providers (may be null). Their tokens are told from mcpgw's
  // own by the algorithm: mcpgw signs HS256, they sign with their published keys.
  Authenticator(bool required, JwtVerifier jwt, ApiTokenService* api_tokens,
                const IssuerSet* issuers = nullptr)
      : required_(required), jwt_(std::move(jwt)), api_tokens_(api_tokens), issuers_(issuers) {}

  // authorization: the header's value, or nullopt when absent. may_block false: an API token that
  // is not in the cache, or a token whose issuer's keys are being fetched, gives needs_lookup
  // instead of a database read or a wait. may_wait false: an unknown signing key is refused.
  AuthResult authenticate(std::optional<std::string_view> authorization, bool may_block = true,
                          bool may_wait = true) const;

 private:
  AuthResult external(const std::string& token, const TokenView& view, std::int64_t now_s,
                      bool may_block, bool may_wait) const;

  bool required_;
  JwtVerifier jwt_;
  ApiTokenService* api_tokens_;
  const IssuerSet* issuers_;
};

}  // namespace mcpgw::auth
