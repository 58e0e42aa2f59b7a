#include "auth/jwt.h"

#include <jwt.h>

#include <boost/json.hpp>
#include <cmath>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "common/crypto.h"
#include "common/json_parse.h"

namespace mcpgw::auth {
namespace json = boost::json;
namespace {

struct JwtFree {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtFree>;
struct CFree {
  void operator()(char* p) const { std::free(p); }
};
using CString = std::unique_ptr<char, CFree>;

}  // namespace

JwtVerifier::JwtVerifier(JwtSettings settings)
    : settings_(std::move(settings)), cache_(std::make_unique<VerifiedCache>()) {}
JwtVerifier::~JwtVerifier() = default;
JwtVerifier::JwtVerifier(JwtVerifier&&) noexcept = default;

JwtVerdict JwtVerifier::verify(const std::string& token, std::int64_t now_s) const {
  const std::int64_t leeway = settings_.leeway.count();
  if (auto cached = cache_->check(token, now_s, leeway)) return std::move(*cached);
  Verified v;
  JwtVerdict verdict = verify_uncached(token, now_s, v);
  if (verdict.principal) cache_->put(token, std::move(v));
  return verdict;
}

std::optional<json::object> signed_claims(const std::string& token, std::string_view key,
                                          std::string_view alg, std::string& why) {
  why = "token is malformed or its signature does not verify";
  // libjwt reads a C string: what follows a NUL would go unseen, while the cache keys on it all.
  if (token.find('\0') != std::string::npos) return std::nullopt;
  const jwt_alg_t expected = jwt_str_alg(std::string(alg).c_str());
  if (expected == JWT_ALG_INVAL || expected == JWT_ALG_NONE) return std::nullopt;
  jwt_t* raw = nullptr;
  // libjwt checks the signature with the key and refuses "alg":"none" when a key is given.
  const int rc = jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                            static_cast<int>(key.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) return std::nullopt;
  // Only the expected algorithm: a key is never used for another (an HMAC secret as an RSA key,
  // or the other way round).
  if (jwt_get_alg(jwt.get()) != expected) {
    why = "token algorithm is not " + std::string(alg);
    return std::nullopt;
  }
  CString grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (!grants) {
    why = "token has no claims";
    return std::nullopt;
  }
  boost::system::error_code ec;
  json::value parsed = parse_json(grants.get(), ec);
  if (ec || !parsed.is_object()) {
    why = "token claims are not a JSON object";
    return std::nullopt;
  }
  return std::move(parsed.get_object());
}

std::optional<std::string> read_times(const json::object& claims, Verified& out) {
  auto exp = numeric_date(claims, "exp");
  if (!exp) return "token has no exp claim";
  if (std::isnan(*exp)) return "token exp claim is not a number";
  out.exp = *exp;
  if (auto nbf = numeric_date(claims, "nbf")) {
    if (std::isnan(*nbf)) return "token nbf claim is not a number";
    out.nbf = *nbf;
  }
  return std::nullopt;
}

JwtVerdict JwtVerifier::verify_uncached(const std::string& token, std::int64_t now_s,
                                        Verified& out) const {
  std::string why;
  auto parsed = signed_claims(token, settings_.secret, "HS256", why);
  if (!parsed) return reject(why);
  const json::object& claims = *parsed;
  if (auto bad = read_times(claims, out)) return reject(*bad);
  if (!settings_.issuer.empty()) {
    auto it = claims.find("iss");
    if (it == claims.end() || !it->value().is_string() ||
        it->value().get_string() != settings_.issuer)
      return reject("token issuer is not accepted");
  }
  if (!settings_.audience.empty()) {
    auto it = claims.find("aud");
    auto auds = it == claims.end() ? std::vector<std::string>{} : string_list(it->value(), false);
    if (std::find(auds.begin(), auds.end(), settings_.audience) == auds.end())
      return reject("token audience is not accepted");
  }
  auto sub = claims.find("sub");
  if (sub == claims.end() || !sub->value().is_string() || sub->value().get_string().empty())
    return reject("token has no sub claim");

  Principal p;
  p.subject = std::string(sub->value().get_string());
  p.token_kind = "jwt";
  p.claims = std::make_shared<const json::object>(claims);
  if (auto it = claims.find("scope"); it != claims.end())
    for (auto& s : string_list(it->value(), true))
      if (is_known_scope(s)) p.scopes.push_back(std::move(s));
  if (auto it = claims.find("servers"); it != claims.end())
    p.servers = string_list(it->value(), false);
  out.principal = std::move(p);
  return check_times(out, now_s, settings_.leeway.count());
}

std::string mint_jwt(const JwtSettings& settings, const JwtClaims& claims, std::int64_t now_s) {
  json::object body;
  body["iss"] = settings.issuer;
  body["aud"] = settings.audience;
  body["sub"] = claims.subject;
  std::string scope;
  for (const auto& s : claims.scopes)
    scope += (scope.empty() ? "" : " ") + s;
  body["scope"] = scope;
  if (!claims.servers.empty()) {
    json::array servers;
    for (const auto& s : claims.servers)
      servers.emplace_back(s);
    body["servers"] = std::move(servers);
  }
  body["iat"] = now_s;
  body["nbf"] = now_s;
  body["exp"] = now_s + claims.ttl.count();
  body["jti"] = crypto::random_hex(16);

  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("libjwt: jwt_new failed");
  JwtPtr jwt(raw);
  const std::string text = json::serialize(body);
  if (jwt_add_grants_json(jwt.get(), text.c_str()) != 0)
    throw std::runtime_error("libjwt: cannot add claims");
  if (jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                  reinterpret_cast<const unsigned char*>(settings.secret.data()),
                  static_cast<int>(settings.secret.size())) != 0)
    throw std::runtime_error("libjwt: cannot set HS256 key");
  CString out(jwt_encode_str(jwt.get()));
  if (!out) throw std::runtime_error("libjwt: cannot encode token");
  return out.get();
}

}  // namespace mcpgw::auth
