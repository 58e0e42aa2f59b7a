#include "auth/jwks.h"

#include <catch2/catch.hpp>

#include "support/signing_keys.h"

using namespace mcpgw;
using Catch::Matchers::Contains;

TEST_CASE("jwks: RSA and EC signing keys become PEM public keys", "[auth][jwks]") {
  const auto rsa = test::rsa_key("r1");
  const auto ec = test::ec_key("e1");
  const auto set = auth::parse_jwks(test::jwks_of({&rsa, &ec}));
  REQUIRE(set.keys.size() == 2);
  CHECK(set.skipped.empty());
  CHECK(set.keys[0].kid == "r1");
  CHECK(set.keys[0].pem.rfind("-----BEGIN PUBLIC KEY-----", 0) == 0);
  CHECK(set.keys[0].fits("RS256"));
  CHECK(set.keys[0].fits("RS512"));
  CHECK_FALSE(set.keys[0].fits("ES256"));
  CHECK_FALSE(set.keys[0].fits("HS256"));
  CHECK(set.keys[1].curve == "P-256");
  CHECK(set.keys[1].fits("ES256"));
  CHECK_FALSE(set.keys[1].fits("ES384"));
  CHECK_FALSE(set.keys[1].fits("RS256"));
}

TEST_CASE("jwks: unusable keys are left out with the reason, others kept", "[auth][jwks]") {
  const auto good = test::rsa_key("good");
  const auto weak = test::rsa_key("weak", 1024);
  const auto ec = test::ec_key("moved");
  std::string bad_point = ec.jwk;
  // y of another point: not on the curve with this x.
  const auto y_at = bad_point.find("\"y\":\"") + 5;
  bad_point[y_at] = bad_point[y_at] == 'A' ? 'B' : 'A';
  const std::string doc = R"({"keys":[)" + good.jwk + "," + weak.jwk + "," + bad_point +
                          R"(,{"kty":"RSA","use":"enc","kid":"enc","n":"AQAB","e":"AQAB"})" +
                          R"(,{"kty":"oct","kid":"sym","k":"c2VjcmV0"})" +
                          R"(,{"kty":"RSA","kid":"badalg","alg":"ES256","n":"AQAB","e":"AQAB"})" +
                          R"(,{"kty":"EC","kid":"curve","crv":"P-192","x":"AA","y":"AA"}, 7]})";
  const auto set = auth::parse_jwks(doc);
  REQUIRE(set.keys.size() == 1);
  CHECK(set.keys[0].kid == "good");
  REQUIRE(set.skipped.size() == 7);
  CHECK_THAT(set.skipped[0], Contains("weak") && Contains("2048"));
  CHECK_THAT(set.skipped[1], Contains("moved"));
  CHECK_THAT(set.skipped[2], Contains("enc") && Contains("not sig"));
  CHECK_THAT(set.skipped[3], Contains("oct"));
  CHECK_THAT(set.skipped[5], Contains("P-192"));
  CHECK_THAT(set.skipped[6], Contains("not an object"));
}

TEST_CASE("jwks: a key that names its algorithm fits that one only", "[auth][jwks]") {
  auto rsa = test::rsa_key("r");
  rsa.jwk.insert(1, R"("alg":"RS384",)");
  const auto set = auth::parse_jwks(test::jwks_of({&rsa}));
  REQUIRE(set.keys.size() == 1);
  CHECK(set.keys[0].fits("RS384"));
  CHECK_FALSE(set.keys[0].fits("RS256"));
}

TEST_CASE("jwks: what is not a key set is an error", "[auth][jwks]") {
  CHECK_THROWS_WITH(auth::parse_jwks("[]"), Contains("not a JSON object"));
  CHECK_THROWS_WITH(auth::parse_jwks("{\"keys\":{}}"), Contains("keys"));
  CHECK_THROWS_WITH(auth::parse_jwks("{"), Contains("not a JSON object"));
  CHECK(auth::parse_jwks(R"({"keys":[]})").keys.empty());
}
