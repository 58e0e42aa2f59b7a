#include "config/issuers.h"

#include <catch2/catch.hpp>

#include "config/config.h"

using namespace mcpgw::config;
using Catch::Matchers::Contains;

TEST_CASE("auth.issuers: a list of issuers with their claim mapping", "[config]") {
  const std::string yaml = R"(auth:
  resource_url: https://gw.example.com/
  issuers:
    - issuer: https://idp.example.com/realms/acme
      algorithms: [RS256]
      subject_claim: preferred_username
      grants:
        - {claim: realm_access.roles, value: mcp-admins, scopes: [admin, mcp]}
        - claim: groups
          value: analysts
          scopes: mcp
          servers: [analytics]
    - issuer: http://127.0.0.1:9000
      jwks_file: /etc/mcpgw/jwks.json
      audiences: api://mcpgw
)";
  const Config c = load_string(yaml, "t.yaml", {});
  CHECK(c.auth.resource_url == "https://gw.example.com");
  REQUIRE(c.auth.issuers.size() == 2);
  const auto& a = c.auth.issuers[0];
  CHECK(a.algorithms == std::vector<std::string>{"RS256"});
  CHECK(a.subject_claim == "preferred_username");
  CHECK(a.scope_claim == "scope");
  REQUIRE(a.grants.size() == 2);
  CHECK(a.grants[0] == ClaimGrant{"realm_access.roles", "mcp-admins", {"admin", "mcp"}, {}});
  CHECK(a.grants[1] == ClaimGrant{"groups", "analysts", {"mcp"}, {"analytics"}});
  CHECK(c.auth.issuers[1].audiences == std::vector<std::string>{"api://mcpgw"});
  CHECK(c.auth.issuers[1].algorithms == std::vector<std::string>{"RS256", "ES256"});
}

TEST_CASE("auth.issuers: from the environment as YAML flow text", "[config]") {
  const Config c =
      load_string("", "t.yaml",
                  {{"MCPGW_AUTH_ISSUERS", "[{issuer: https://idp.example.com, audiences: [gw]}]"}});
  REQUIRE(c.auth.issuers.size() == 1);
  CHECK(c.auth.issuers[0].audiences == std::vector<std::string>{"gw"});
  CHECK_THROWS_WITH(load_string("", "t.yaml", {{"MCPGW_AUTH_ISSUERS", "[{issuer: "}}),
                    Contains("MCPGW_AUTH_ISSUERS") && Contains("invalid YAML"));
}

TEST_CASE("auth.issuers: mistakes name the key and the line", "[config]") {
  auto error = [](const std::string& issuers, const std::string& extra = "") {
    try {
      load_string("auth:\n" + extra + "  issuers:\n" + issuers, "t.yaml", {});
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  const std::string ok = "    - issuer: https://idp.example.com\n      audiences: [gw]\n";
  CHECK(error(ok) == "(accepted)");
  CHECK_THAT(error(ok + "      algorithms: [HS256]\n"),
             Contains("t.yaml:5") && Contains("auth.issuers[0].algorithms") && Contains("HS256"));
  CHECK_THAT(error(ok + "      algorithms: [EdDSA]\n"), Contains("EdDSA"));
  CHECK_THAT(error("    - audiences: [gw]\n"),
             Contains("auth.issuers[0].issuer") && Contains("required"));
  CHECK_THAT(error("    - issuer: https://idp.example.com\n"),
             Contains("audiences") && Contains("resource_url"));
  CHECK(error("    - issuer: https://idp.example.com\n", "  resource_url: https://gw\n") ==
        "(accepted)");
  CHECK_THAT(error("    - issuer: http://idp.example.com\n      audiences: [gw]\n"),
             Contains("https"));
  CHECK_THAT(error("    - issuer: http://localhost.evil.com\n      audiences: [gw]\n"),
             Contains("https"));
  CHECK(error("    - issuer: http://localhost:8080/realm\n      audiences: [gw]\n") ==
        "(accepted)");
  CHECK_THAT(error(ok + "      colour: blue\n"),
             Contains("auth.issuers[0].colour") && Contains("unknown key"));
  CHECK_THAT(error(ok + "      grants: [{claim: groups, value: x, scopes: [root]}]\n"),
             Contains("grants[0].scopes") && Contains("root"));
  CHECK_THAT(error(ok + "      grants: [{claim: groups, value: x}]\n"), Contains("grants nothing"));
  CHECK_THAT(error(ok + "      jwks_file: /k.json\n      jwks_uri: https://idp/k\n"),
             Contains("not both"));
  CHECK_THAT(error(ok + ok), Contains("auth.issuers[1].issuer") && Contains("twice"));
  CHECK_THAT(error("    issuer: x\n"), Contains("list of issuers"));
}
