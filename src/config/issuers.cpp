#include "config/issuers.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "config/config.h"

namespace mcpgw::config {
namespace {

struct Reader {
  std::string origin;
  bool in_file;

  std::string at(const YAML::Node& n) const {
    return in_file ? origin + ":" + std::to_string(n.Mark().line + 1) : origin;
  }
  [[noreturn]] void fail(const YAML::Node& n, const std::string& key,
                         const std::string& why) const {
    throw ConfigError(at(n) + ": " + key + ": " + why);
  }
  std::string text(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, "expected a single value, not a list or map");
    return n.Scalar();
  }
  // One string or a list of them.
  std::vector<std::string> list(const YAML::Node& n, const std::string& key) const {
    std::vector<std::string> out;
    if (n.IsNull()) return out;
    if (n.IsScalar()) return {n.Scalar()};
    if (!n.IsSequence()) fail(n, key, "expected a list of strings");
    for (const auto& item : n)
      out.push_back(text(item, key));
    return out;
  }
  template <typename F>
  void each_key(const YAML::Node& map, const std::string& name, F&& f) const {
    if (!map.IsMap()) fail(map, name, "expected a map");
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) fail(kv.first, name, "a key must be a plain name");
      const std::string key = kv.first.Scalar();
      if (!f(key, kv.second)) fail(kv.first, name + "." + key, "unknown key");
    }
  }
};

bool is_mcpgw_scope(const std::string& s) {
  return s == "admin" || s == "mcp";
}

ClaimGrant parse_grant(const Reader& r, const YAML::Node& node, const std::string& name) {
  ClaimGrant g;
  r.each_key(node, name, [&](const std::string& key, const YAML::Node& v) {
    const std::string full = name + "." + key;
    if (key == "claim")
      g.claim = r.text(v, full);
    else if (key == "value")
      g.value = r.text(v, full);
    else if (key == "scopes")
      g.scopes = r.list(v, full);
    else if (key == "servers")
      g.servers = r.list(v, full);
    else
      return false;
    return true;
  });
  if (g.claim.empty()) r.fail(node, name + ".claim", "is required");
  if (g.value.empty()) r.fail(node, name + ".value", "is required");
  for (const auto& s : g.scopes)
    if (!is_mcpgw_scope(s)) r.fail(node, name + ".scopes", "'" + s + "' is not admin or mcp");
  if (g.scopes.empty() && g.servers.empty())
    r.fail(node, name, "grants nothing: give scopes, servers or both");
  return g;
}

bool set_issuer_key(const Reader& r, IssuerConfig& c, const std::string& name,
                    const std::string& key, const YAML::Node& v) {
  const std::string full = name + "." + key;
  if (key == "issuer")
    c.issuer = r.text(v, full);
  else if (key == "discovery_url")
    c.discovery_url = r.text(v, full);
  else if (key == "jwks_uri")
    c.jwks_uri = r.text(v, full);
  else if (key == "jwks_file")
    c.jwks_file = r.text(v, full);
  else if (key == "audiences")
    c.audiences = r.list(v, full);
  else if (key == "algorithms")
    c.algorithms = r.list(v, full);
  else if (key == "subject_claim")
    c.subject_claim = r.text(v, full);
  else if (key == "subject_prefix")
    c.subject_prefix = r.text(v, full);
  else if (key == "scope_claim")
    c.scope_claim = r.text(v, full);
  else if (key == "servers_claim")
    c.servers_claim = r.text(v, full);
  else if (key == "grants") {
    if (!v.IsNull() && !v.IsSequence()) r.fail(v, full, "expected a list of grants");
    std::size_t i = 0;
    for (const auto& g : v)
      c.grants.push_back(parse_grant(r, g, full + "[" + std::to_string(i++) + "]"));
  } else {
    return false;
  }
  return true;
}

// The node of one key of an issuer's map (for its line), else the map.
YAML::Node field(const YAML::Node& map, const char* key) {
  const YAML::Node v = map[key];
  return v ? v : map;
}

void check_issuer(const Reader& r, const YAML::Node& node, const IssuerConfig& c,
                  const std::string& name) {
  if (c.issuer.empty()) r.fail(field(node, "issuer"), name + ".issuer", "is required");
  if (!c.jwks_file.empty() && (!c.jwks_uri.empty() || !c.discovery_url.empty()))
    r.fail(field(node, "jwks_file"), name + ".jwks_file",
           "give jwks_file or jwks_uri/discovery_url, not both");
  if (c.jwks_file.empty() && c.jwks_uri.empty() && !is_fetchable_url(c.issuer))
    r.fail(field(node, "issuer"), name + ".issuer",
           "discovery needs an https URL (http only on loopback); or set jwks_file");
  for (const auto* u : {&c.jwks_uri, &c.discovery_url})
    if (!u->empty() && !is_fetchable_url(*u))
      r.fail(node, name, "'" + *u + "' must be an https URL (http only on loopback)");
  if (c.algorithms.empty())
    r.fail(field(node, "algorithms"), name + ".algorithms", "must not be empty");
  const auto& known = issuer_algorithms();
  for (const auto& a : c.algorithms)
    if (std::find(known.begin(), known.end(), a) == known.end())
      r.fail(field(node, "algorithms"), name + ".algorithms",
             "'" + a + "' is not accepted (RS256, RS384, RS512, ES256, ES384, ES512; HMAC and " +
                 "EdDSA are not: libjwt 1.10 has no EdDSA)");
  if (c.subject_claim.empty())
    r.fail(field(node, "subject_claim"), name + ".subject_claim", "must not be empty");
}

}  // namespace

bool is_fetchable_url(const std::string& url) {
  if (url.rfind("https://", 0) == 0) return true;
  for (const std::string local : {"http://127.0.0.1", "http://localhost", "http://[::1]"})
    if (url.rfind(local, 0) == 0 &&
        (url.size() == local.size() || url[local.size()] == ':' || url[local.size()] == '/'))
      return true;
  return false;
}

const std::vector<std::string>& issuer_algorithms() {
  static const std::vector<std::string> algs{"RS256", "RS384", "RS512", "ES256", "ES384", "ES512"};
  return algs;
}

std::vector<IssuerConfig> parse_issuers(const YAML::Node& node, const std::string& origin,
                                        bool in_file) {
  const Reader r{origin, in_file};
  std::vector<IssuerConfig> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) r.fail(node, "auth.issuers", "expected a list of issuers");
  for (const auto& item : node) {
    const std::string name = "auth.issuers[" + std::to_string(out.size()) + "]";
    IssuerConfig c;
    r.each_key(item, name, [&](const std::string& key, const YAML::Node& v) {
      return set_issuer_key(r, c, name, key, v);
    });
    check_issuer(r, item, c, name);
    for (const auto& other : out)
      if (other.issuer == c.issuer) r.fail(item, name + ".issuer", "'" + c.issuer + "' twice");
    out.push_back(std::move(c));
  }
  return out;
}

void validate_issuers(const std::vector<IssuerConfig>& issuers, const std::string& resource_url,
                      const std::string& source) {
  for (std::size_t i = 0; i < issuers.size(); ++i)
    if (issuers[i].audiences.empty() && resource_url.empty())
      throw ConfigError(source + ": auth.issuers[" + std::to_string(i) +
                        "].audiences: set the accepted audiences, or auth.resource_url (the " +
                        "gateway's public URL: tokens for its resource URIs are accepted)");
}

}  // namespace mcpgw::config
