#pragma once
// Turns an Authorization header into a Principal. Bearer tokens only (never the query string).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/api_tokens.h"
#include "auth/jwt.h"

namespace mcpgw::auth {

struct AuthResult {
  std::optional<Principal> principal;
  // When principal is empty: whether a token was presented at all (RFC 6750: no error code when
  // the request had no credentials, error="invalid_token" when it had bad ones), and why.
  bool token_presented = false;
  std::string reason;
  // authenticate(..., may_block = false) only: the answer needs a database read.
  bool needs_lookup = false;
};

class Authenticator {
 public:
  // required == false: every request is the anonymous principal with all scopes (development).
  Authenticator(bool required, JwtVerifier jwt, ApiTokenService* api_tokens)
      : required_(required), jwt_(std::move(jwt)), api_tokens_(api_tokens) {}

  // authorization: the header's value, or nullopt when absent. may_block false: an API token that
  // is not in the cache gives needs_lookup instead of a database read.
  AuthResult authenticate(std::optional<std::string_view> authorization,
                          bool may_block = true) const;

 private:
  bool required_;
  JwtVerifier jwt_;
  ApiTokenService* api_tokens_;
};

}  // namespace mcpgw::auth
