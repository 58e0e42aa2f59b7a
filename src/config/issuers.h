#pragma once
// auth.issuers: the external identity providers whose JWTs mcpgw accepts (OIDC discovery or a
// static JWKS), and how their claims become mcpgw's subject, scopes and servers.
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace mcpgw::config {

// When the claim at `claim` (a dotted path: realm_access.roles) holds `value` (equal to a string
// claim, one of its space-separated words, or an element of an array claim), the token gets
// `scopes`, and, when `servers` is not empty, may use those servers.
struct ClaimGrant {
  std::string claim;
  std::string value;
  std::vector<std::string> scopes;
  std::vector<std::string> servers;

  bool operator==(const ClaimGrant&) const = default;
};

struct IssuerConfig {
  std::string issuer;         // the iss claim, exactly
  std::string discovery_url;  // empty: <issuer>/.well-known/openid-configuration
  std::string jwks_uri;       // set: fetched directly, no discovery
  std::string jwks_file;      // set: keys from this file (no fetching)
  // Accepted aud values (any one). Empty: the resource URIs under auth.resource_url.
  std::vector<std::string> audiences;
  std::vector<std::string> algorithms{"RS256", "ES256"};
  std::string subject_claim = "sub";
  std::string subject_prefix;         // prepended to the subject (tells issuers' subjects apart)
  std::string scope_claim = "scope";  // values named like mcpgw scopes (admin, mcp) are granted
  std::string servers_claim;          // empty: none; else its values are server ids
  std::vector<ClaimGrant> grants;

  bool operator==(const IssuerConfig&) const = default;
};

// The algorithms an issuer may be configured with (asymmetric only: an HMAC key would be the
// issuer's public key, the classic confusion attack).
const std::vector<std::string>& issuer_algorithms();

// Whether keys may be fetched from url: https, or http on loopback only (keys fetched over plain
// HTTP from elsewhere could be replaced on the way).
bool is_fetchable_url(const std::string& url);

// Parses the value of auth.issuers: a YAML list of maps (from the environment, the same as YAML
// flow text: [{issuer: https://..., audiences: [...]}]). origin: the file (messages add the line)
// or, when !in_file, the environment variable. Throws ConfigError naming auth.issuers[i].<key>.
std::vector<IssuerConfig> parse_issuers(const YAML::Node& node, const std::string& origin,
                                        bool in_file);

// Checks what needs the rest of the configuration (auth.resource_url for default audiences).
void validate_issuers(const std::vector<IssuerConfig>& issuers, const std::string& resource_url,
                      const std::string& source);

}  // namespace mcpgw::config
