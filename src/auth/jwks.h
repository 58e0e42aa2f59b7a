#pragma once
// JSON Web Key Sets (RFC 7517) of external issuers: each usable signing key as the PEM public key
// libjwt verifies with. Keys are built by OpenSSL from their JWK parameters.
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::auth {

struct Jwk {
  std::string kid;    // "" when the JWK has none
  std::string kty;    // "RSA" or "EC"
  std::string curve;  // EC: P-256, P-384 or P-521
  std::string alg;    // "" when the JWK does not restrict its algorithm
  std::string pem;    // SubjectPublicKeyInfo, PEM

  // Whether this key may check a token signed with alg (RS*: RSA; ES256: EC P-256, ...).
  bool fits(std::string_view token_alg) const;
};

struct JwkSet {
  std::vector<Jwk> keys;
  // One line per JWK that was left out, and why (an encryption key, an unknown kty, an RSA key
  // under 2048 bits, a point not on its curve, ...).
  std::vector<std::string> skipped;
};

// Parses a JWKS document ({"keys": [...]}). Throws std::runtime_error when it is not one; a set
// with no usable key is returned empty (with the reasons in skipped).
JwkSet parse_jwks(std::string_view json);

}  // namespace mcpgw::auth
