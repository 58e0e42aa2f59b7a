// Tokens of external issuers through the Authenticator: signature by a published key, iss, aud,
// times and the claim mapping, and keys asked for when a token names one not known.
#include "auth/external_issuer.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>
#include <chrono>

#include "auth/authenticator.h"
#include "support/signing_keys.h"

using namespace mcpgw;
using Catch::Matchers::Contains;

namespace {

const std::string kIssuer = "https://idp.example.com/realms/acme";
const std::string kResource = "https://gw.example.com";
const std::string kSecret = "0123456789abcdef0123456789abcdef-own";

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

config::AuthConfig auth_config() {
  config::AuthConfig a;
  a.resource_url = kResource;
  config::IssuerConfig i;
  i.issuer = kIssuer;
  i.audiences = {"mcpgw-gateway"};
  i.grants = {{"realm_access.roles", "mcp-admins", {"admin", "mcp"}, {}},
              {"groups", "analysts", {"mcp"}, {"analytics"}}};
  a.issuers = {i};
  return a;
}

std::string claims(const std::string& extra, const std::string& aud = "\"mcpgw-gateway\"",
                   std::int64_t exp_in = 300) {
  return R"({"iss":")" + kIssuer + R"(","aud":)" + aud + R"(,"sub":"u-1","exp":)" +
         std::to_string(now_s() + exp_in) + (extra.empty() ? "" : "," + extra) + "}";
}

struct Fixture {
  config::AuthConfig cfg = auth_config();
  auth::IssuerSet issuers{cfg};
  auth::Authenticator authn{true, auth::JwtVerifier({kSecret, "mcpgw", "mcpgw", {}}), nullptr,
                            &issuers};
  auth::ExternalIssuer& issuer = *issuers.find(kIssuer);
  test::SigningKey rsa = test::rsa_key("rsa-1");
  test::SigningKey ec = test::ec_key("ec-1");

  Fixture() { issuer.set_keys(auth::parse_jwks(test::jwks_of({&rsa, &ec})).keys); }
  auth::AuthResult check(const std::string& token, bool may_block = true, bool may_wait = false) {
    return authn.authenticate("Bearer " + token, may_block, may_wait);
  }
};

}  // namespace

TEST_CASE("external issuer: RS256 and ES256 tokens map their claims", "[auth][issuer]") {
  Fixture f;
  auto r = f.check(f.rsa.sign(claims(R"("scope":"openid mcp")")));
  REQUIRE(r.principal);
  CHECK(r.principal->subject == "u-1");
  CHECK(r.principal->token_kind == "oidc");
  CHECK(r.principal->scopes == std::vector<std::string>{"mcp"});
  CHECK(r.principal->servers.empty());

  r = f.check(f.ec.sign(claims(R"("realm_access":{"roles":["x","mcp-admins"]})")));
  REQUIRE(r.principal);
  CHECK(r.principal->scopes == std::vector<std::string>{"admin", "mcp"});

  // A grant with servers: the token may use those only.
  r = f.check(f.rsa.sign(claims(R"("groups":["analysts"])")));
  REQUIRE(r.principal);
  CHECK(r.principal->scopes == std::vector<std::string>{"mcp"});
  CHECK(r.principal->servers == std::vector<std::string>{"analytics"});

  // No claim that grants anything: a principal without scopes (403 on every route, not 401).
  r = f.check(f.rsa.sign(claims(R"("groups":"nobody")")));
  REQUIRE(r.principal);
  CHECK(r.principal->scopes.empty());
}

TEST_CASE("external issuer: subject claim, prefix and servers claim are configurable",
          "[auth][issuer]") {
  Fixture f;
  f.cfg.issuers[0].subject_claim = "preferred_username";
  f.cfg.issuers[0].subject_prefix = "acme:";
  f.cfg.issuers[0].servers_claim = "mcp.servers";
  auth::IssuerSet set(f.cfg);
  set.find(kIssuer)->set_keys(auth::parse_jwks(test::jwks_of({&f.rsa})).keys);
  auth::Authenticator a(true, auth::JwtVerifier({kSecret, "mcpgw", "mcpgw", {}}), nullptr, &set);
  auto r = a.authenticate(
      "Bearer " +
      f.rsa.sign(claims(R"("preferred_username":"alice","mcp":{"servers":["s1","s2"]})")));
  REQUIRE(r.principal);
  CHECK(r.principal->subject == "acme:alice");
  CHECK(r.principal->servers == std::vector<std::string>{"s1", "s2"});
  r = a.authenticate("Bearer " + f.rsa.sign(claims("")));
  CHECK_FALSE(r.principal);
  CHECK_THAT(r.reason, Contains("preferred_username"));
}

TEST_CASE("external issuer: bad tokens are refused with the reason", "[auth][issuer]") {
  Fixture f;
  auto reason = [&](const std::string& token) {
    auto r = f.check(token);
    CHECK_FALSE(r.principal);
    CHECK(r.token_presented);
    return r.reason;
  };
  // Another issuer, in the claims the signature covers.
  std::string other = claims("");
  other.replace(other.find(kIssuer), kIssuer.size(), "https://evil.example.com");
  CHECK_THAT(reason(f.rsa.sign(other)), Contains("issuer is not accepted"));
  CHECK_THAT(reason(f.rsa.sign(claims("", "\"someone-else\""))), Contains("audience"));
  CHECK_THAT(reason(f.rsa.sign(claims("", "\"mcpgw-gateway\"", -120))), Contains("expired"));
  CHECK_THAT(reason(f.rsa.sign(R"({"iss":")" + kIssuer + R"(","aud":"mcpgw-gateway","sub":"x"})")),
             Contains("exp"));
  // Signed by a key the issuer does not publish, under a kid it does.
  auto stranger = test::rsa_key("rsa-1");
  CHECK_THAT(reason(stranger.sign(claims(""))), Contains("signature"));
  // A kid it does not publish.
  CHECK_THAT(reason(f.rsa.sign(claims(""), "rotated")), Contains("kid"));
  // An algorithm the issuer is not configured for.
  f.cfg.issuers[0].algorithms = {"ES256"};
  auth::IssuerSet es_only(f.cfg);
  es_only.find(kIssuer)->set_keys(auth::parse_jwks(test::jwks_of({&f.rsa, &f.ec})).keys);
  auth::Authenticator a(true, auth::JwtVerifier({kSecret, "mcpgw", "mcpgw", {}}), nullptr,
                        &es_only);
  auto r = a.authenticate("Bearer " + f.rsa.sign(claims("")));
  CHECK_THAT(r.reason, Contains("RS256") && Contains("not accepted"));
  CHECK(a.authenticate("Bearer " + f.ec.sign(claims(""))).principal);
}

TEST_CASE("external issuer: an HS256 token keyed with the issuer's public key is refused",
          "[auth][issuer]") {
  Fixture f;
  const auto keys = auth::parse_jwks(test::jwks_of({&f.rsa})).keys;
  // The classic confusion: HMAC with the public PEM as the secret.
  jwt_t* j = nullptr;
  REQUIRE(jwt_new(&j) == 0);
  std::unique_ptr<jwt_t, void (*)(jwt_t*)> guard(j, jwt_free);
  REQUIRE(jwt_add_grants_json(j, claims(R"("scope":"admin mcp")").c_str()) == 0);
  REQUIRE(jwt_add_header(j, "kid", "rsa-1") == 0);
  REQUIRE(jwt_set_alg(j, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(keys[0].pem.data()),
                      static_cast<int>(keys[0].pem.size())) == 0);
  char* out = jwt_encode_str(j);
  const std::string forged(out);
  std::free(out);
  auto r = f.check(forged);
  CHECK_FALSE(r.principal);
  CHECK_THAT(r.reason, Contains("signature"));
}

TEST_CASE("external issuer: a token for one server's resource URI is good for it alone",
          "[auth][issuer]") {
  Fixture f;
  auto r = f.check(f.rsa.sign(claims("", "\"" + kResource + "/servers/billing/mcp\"")));
  REQUIRE(r.principal);
  CHECK(r.principal->servers == std::vector<std::string>{"billing"});
  r = f.check(f.rsa.sign(claims("", "[\"" + kResource + "/mcp\",\"other\"]")));
  REQUIRE(r.principal);
  CHECK(r.principal->servers.empty());
  // Its grants allow only analytics: the billing audience does not widen that.
  r = f.check(
      f.rsa.sign(claims(R"("groups":"analysts")", "\"" + kResource + "/servers/billing/mcp\"")));
  CHECK_FALSE(r.principal);
  CHECK_THAT(r.reason, Contains("server"));
  CHECK_FALSE(f.check(f.rsa.sign(claims("", "\"" + kResource + "/servers/a/b/mcp\""))).principal);
}

TEST_CASE("external issuer: an unknown kid asks for keys once a minute and waits for them",
          "[auth][issuer]") {
  Fixture f;
  int wanted = 0;
  f.issuer.on_fetch_wanted([&] { ++wanted; });
  auto rotated = test::rsa_key("rsa-2");
  const std::string token = rotated.sign(claims(R"("scope":"mcp")"));

  // Where nothing may wait (the I/O thread): undecided, and the fetch is asked for.
  auto r = f.check(token, false, true);
  CHECK(r.needs_lookup);
  CHECK(wanted == 1);
  // Where waiting is allowed: the issuer and the key set to wait on.
  r = f.check(token, true, true);
  REQUIRE(r.wait_issuer == &f.issuer);
  const auto seen = r.wait_generation;
  CHECK(wanted == 1);  // under way: not asked again

  // The fetch brings the rotated key; the waiter sees the new generation at once.
  f.issuer.begin_fetch();
  f.issuer.set_keys(auth::parse_jwks(test::jwks_of({&f.rsa, &rotated})).keys);
  boost::asio::io_context ioc;
  const auto started = std::chrono::steady_clock::now();
  auto done = boost::asio::co_spawn(ioc, f.issuer.wait_for_keys(seen), boost::asio::use_future);
  ioc.run();
  done.get();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(1));
  r = f.check(token, true, false);
  REQUIRE(r.principal);
  CHECK(r.principal->scopes == std::vector<std::string>{"mcp"});

  // Another unknown kid within the minute: refused at once, no fetch asked.
  auto later = test::rsa_key("rsa-3");
  r = f.check(later.sign(claims("")), false, true);
  CHECK_FALSE(r.needs_lookup);
  CHECK_THAT(r.reason, Contains("kid"));
  CHECK(wanted == 1);
}

TEST_CASE("external issuer: keys withdrawn by a fetch stop tokens already cached",
          "[auth][issuer]") {
  Fixture f;
  const std::string token = f.rsa.sign(claims(R"("scope":"mcp")"));
  REQUIRE(f.check(token).principal);
  REQUIRE(f.check(token).principal);  // from the cache
  f.issuer.set_keys(auth::parse_jwks(test::jwks_of({&f.ec})).keys);
  CHECK_FALSE(f.check(token).principal);
  // A failed fetch keeps the last good keys.
  f.issuer.fetch_failed();
  CHECK(f.check(f.ec.sign(claims(""))).principal);
}

TEST_CASE("external issuer: a token without kid is checked against each key that fits",
          "[auth][issuer]") {
  Fixture f;
  CHECK(f.check(f.ec.sign(claims(""), "")).principal);
  CHECK(f.check(f.rsa.sign(claims(""), "")).principal);
}

TEST_CASE("external issuer: mcpgw's own HS256 tokens keep working beside issuers",
          "[auth][issuer]") {
  Fixture f;
  const auth::JwtSettings own{kSecret, "mcpgw", "mcpgw", {}};
  const auto token = auth::mint_jwt(own, {"ops", {"admin"}, {}, std::chrono::hours(1)}, now_s());
  auto r = f.check(token);
  REQUIRE(r.principal);
  CHECK(r.principal->subject == "ops");
  CHECK(r.principal->token_kind == "jwt");
}
