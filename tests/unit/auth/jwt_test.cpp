#include "auth/jwt.h"

#include <jwt.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>

using namespace mcpgw::auth;

namespace {
const std::string kSecret = "0123456789abcdef0123456789abcdef-test";
const std::int64_t kNow = 1'800'000'000;

JwtSettings settings() {
  return {kSecret, "mcpgw", "mcpgw", std::chrono::seconds(30)};
}

JwtClaims admin_claims() {
  return {"alice", {"admin"}, {}, std::chrono::hours(1)};
}

// Builds a token with libjwt directly, for the shapes mint_jwt never makes.
std::string raw_token(jwt_alg_t alg, const std::string& key, const std::string& claims_json) {
  jwt_t* j = nullptr;
  REQUIRE(jwt_new(&j) == 0);
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> guard(j, jwt_free);
  REQUIRE(jwt_add_grants_json(j, claims_json.c_str()) == 0);
  REQUIRE(jwt_set_alg(j, alg,
                      key.empty() ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
                      static_cast<int>(key.size())) == 0);
  char* out = jwt_encode_str(j);
  REQUIRE(out != nullptr);
  std::string s(out);
  std::free(out);
  return s;
}

std::string claims(std::int64_t exp) {
  return R"({"iss":"mcpgw","aud":"mcpgw","sub":"alice","scope":"admin","exp":)" +
         std::to_string(exp) + "}";
}
}  // namespace

TEST_CASE("a minted token verifies into its principal", "[jwt]") {
  JwtClaims c{"alice", {"admin", "mcp"}, {"srv-1", "srv-2"}, std::chrono::hours(1)};
  auto token = mint_jwt(settings(), c, kNow);
  auto v = JwtVerifier(settings()).verify(token, kNow + 10);
  REQUIRE(v.principal);
  CHECK(v.principal->subject == "alice");
  CHECK(v.principal->scopes == std::vector<std::string>{"admin", "mcp"});
  CHECK(v.principal->servers == std::vector<std::string>{"srv-1", "srv-2"});
  CHECK(v.principal->token_kind == "jwt");
}

TEST_CASE("expired tokens are refused, within leeway they pass", "[jwt]") {
  auto token = mint_jwt(settings(), admin_claims(), kNow);  // exp = kNow + 3600
  CHECK(JwtVerifier(settings()).verify(token, kNow + 3600 + 29).principal);
  auto v = JwtVerifier(settings()).verify(token, kNow + 3600 + 30);
  CHECK_FALSE(v.principal);
  CHECK(v.reason == "token has expired");
}

TEST_CASE("tokens not yet valid are refused", "[jwt]") {
  auto token = mint_jwt(settings(), admin_claims(), kNow);  // nbf = kNow
  auto v = JwtVerifier(settings()).verify(token, kNow - 31);
  CHECK_FALSE(v.principal);
  CHECK(v.reason == "token is not valid yet");
  CHECK(JwtVerifier(settings()).verify(token, kNow - 29).principal);
}

TEST_CASE("a wrong signature is refused", "[jwt]") {
  auto other = settings();
  other.secret = "another-secret-of-enough-length-0000000";
  auto token = mint_jwt(other, admin_claims(), kNow);
  CHECK_FALSE(JwtVerifier(settings()).verify(token, kNow).principal);

  // Tampered payload, original signature.
  auto good = mint_jwt(settings(), admin_claims(), kNow);
  auto first_dot = good.find('.');
  std::string tampered = good;
  tampered[first_dot + 5] = tampered[first_dot + 5] == 'A' ? 'B' : 'A';
  CHECK_FALSE(JwtVerifier(settings()).verify(tampered, kNow).principal);
}

TEST_CASE("wrong issuer or audience is refused", "[jwt]") {
  auto s = settings();
  s.issuer = "someone-else";
  auto v = JwtVerifier(settings()).verify(mint_jwt(s, admin_claims(), kNow), kNow);
  CHECK_FALSE(v.principal);
  CHECK(v.reason == "token issuer is not accepted");
  s = settings();
  s.audience = "another-service";
  v = JwtVerifier(settings()).verify(mint_jwt(s, admin_claims(), kNow), kNow);
  CHECK_FALSE(v.principal);
  CHECK(v.reason == "token audience is not accepted");
}

TEST_CASE("an audience array containing ours is accepted", "[jwt]") {
  auto token = raw_token(
      JWT_ALG_HS256, kSecret,
      R"({"iss":"mcpgw","aud":["x","mcpgw"],"sub":"a","exp":)" + std::to_string(kNow + 60) + "}");
  CHECK(JwtVerifier(settings()).verify(token, kNow).principal);
}

TEST_CASE("alg none is refused", "[jwt]") {
  auto token = raw_token(JWT_ALG_NONE, "", claims(kNow + 60));
  CHECK_FALSE(JwtVerifier(settings()).verify(token, kNow).principal);
  // Same with a forged empty signature segment appended after a none header.
  CHECK_FALSE(JwtVerifier(settings()).verify(token + "c2ln", kNow).principal);
}

TEST_CASE("other algorithms are refused even with the right key", "[jwt]") {
  auto hs512 = raw_token(JWT_ALG_HS512, kSecret, claims(kNow + 60));
  auto v = JwtVerifier(settings()).verify(hs512, kNow);
  CHECK_FALSE(v.principal);
  CHECK(v.reason == "token algorithm is not HS256");
  auto hs384 = raw_token(JWT_ALG_HS384, kSecret, claims(kNow + 60));
  CHECK_FALSE(JwtVerifier(settings()).verify(hs384, kNow).principal);
}

TEST_CASE("exp is required and must be a number", "[jwt]") {
  auto no_exp = raw_token(JWT_ALG_HS256, kSecret, R"({"iss":"mcpgw","aud":"mcpgw","sub":"a"})");
  CHECK(JwtVerifier(settings()).verify(no_exp, kNow).reason == "token has no exp claim");
  auto str_exp = raw_token(JWT_ALG_HS256, kSecret,
                           R"({"iss":"mcpgw","aud":"mcpgw","sub":"a","exp":"tomorrow"})");
  CHECK_FALSE(JwtVerifier(settings()).verify(str_exp, kNow).principal);
}

TEST_CASE("sub is required", "[jwt]") {
  auto t = raw_token(JWT_ALG_HS256, kSecret,
                     R"({"iss":"mcpgw","aud":"mcpgw","exp":)" + std::to_string(kNow + 60) + "}");
  CHECK(JwtVerifier(settings()).verify(t, kNow).reason == "token has no sub claim");
}

TEST_CASE("malformed tokens are refused", "[jwt]") {
  for (const char* bad :
       {"", "abc", "a.b", "a.b.c", "....", "eyJhbGciOiJIUzI1NiJ9..", "\xff\xfe.x.y"}) {
    INFO(bad);
    CHECK_FALSE(JwtVerifier(settings()).verify(bad, kNow).principal);
  }
}

TEST_CASE("unknown scopes are dropped", "[jwt]") {
  auto t =
      raw_token(JWT_ALG_HS256, kSecret,
                R"({"iss":"mcpgw","aud":"mcpgw","sub":"a","scope":"mcp root admin:all","exp":)" +
                    std::to_string(kNow + 60) + "}");
  auto v = JwtVerifier(settings()).verify(t, kNow);
  REQUIRE(v.principal);
  CHECK(v.principal->scopes == std::vector<std::string>{"mcp"});
}

TEST_CASE("a remembered token is still checked against the clock", "[jwt]") {
  JwtVerifier verifier(settings());
  auto token = mint_jwt(settings(), admin_claims(), kNow);  // nbf kNow, exp kNow + 3600
  REQUIRE(verifier.verify(token, kNow).principal);          // now cached
  CHECK(verifier.verify(token, kNow + 100).principal);
  CHECK(verifier.verify(token, kNow + 3600 + 30).reason == "token has expired");
  CHECK(verifier.verify(token, kNow - 31).reason == "token is not valid yet");
}

TEST_CASE("nothing but the exact remembered token is served from memory", "[jwt]") {
  JwtVerifier verifier(settings());
  auto token = mint_jwt(settings(), admin_claims(), kNow);
  REQUIRE(verifier.verify(token, kNow).principal);
  std::string tampered = token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  CHECK_FALSE(verifier.verify(tampered, kNow).principal);
  CHECK_FALSE(verifier.verify(token + "x", kNow).principal);
  CHECK_FALSE(verifier.verify(token.substr(0, token.size() - 1), kNow).principal);
}

TEST_CASE("the verified-token memory stays bounded", "[jwt]") {
  JwtVerifier verifier(settings());
  const auto total = JwtVerifier::kCacheCapacity + 500;
  std::string first;
  for (std::size_t i = 0; i < total; ++i) {
    JwtClaims c{"user-" + std::to_string(i), {"mcp"}, {}, std::chrono::hours(1)};
    auto t = mint_jwt(settings(), c, kNow);
    if (i == 0) first = t;
    REQUIRE(verifier.verify(t, kNow).principal);
  }
  // Whatever was dropped verifies again from scratch.
  auto v = verifier.verify(first, kNow);
  REQUIRE(v.principal);
  CHECK(v.principal->subject == "user-0");
}

// Found by tests/fuzz/auth_token: libjwt reads the token as a C string, so a valid token followed
// by a NUL and anything verified (and was remembered under that whole text). HTTP field values
// cannot hold a NUL (Beast refuses them), so this is the verifier's contract, not an attack.
TEST_CASE("a token with a NUL in it is refused", "[jwt]") {
  const auto token = mint_jwt(settings(), admin_claims(), kNow);
  const JwtVerifier v(settings());
  CHECK(v.verify(token, kNow).principal);
  CHECK_FALSE(v.verify(token + std::string(1, '\0') + "junk", kNow).principal);
  CHECK_FALSE(v.verify(token + std::string(1, '\0'), kNow).principal);
}
