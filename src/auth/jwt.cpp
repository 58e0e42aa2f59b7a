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

JwtVerdict reject(std::string why) {
  return {std::nullopt, std::move(why)};
}

// NumericDate: a JSON number of seconds (RFC 7519 allows fractions).
std::optional<double> numeric_date(const json::object& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->value().is_int64()) return static_cast<double>(it->value().get_int64());
  if (it->value().is_uint64()) return static_cast<double>(it->value().get_uint64());
  if (it->value().is_double() && std::isfinite(it->value().get_double()))
    return it->value().get_double();
  return std::nan("");
}

// A claim that is one string or an array of strings ("aud"; "scope" as space-separated string).
std::vector<std::string> string_list(const json::value& v, bool split_spaces) {
  std::vector<std::string> out;
  auto add = [&](std::string_view s) {
    if (!split_spaces) {
      out.emplace_back(s);
      return;
    }
    std::size_t pos = 0;
    while (pos < s.size()) {
      auto end = s.find(' ', pos);
      if (end == std::string_view::npos) end = s.size();
      if (end > pos) out.emplace_back(s.substr(pos, end - pos));
      pos = end + 1;
    }
  };
  if (v.is_string()) add(v.get_string());
  if (v.is_array())
    for (const auto& item : v.get_array())
      if (item.is_string()) add(item.get_string());
  return out;
}

}  // namespace

struct JwtVerifier::Verified {
  Principal principal;
  double exp = 0;
  std::optional<double> nbf;
};

// Sharded so that concurrent requests rarely meet on a lock; each shard holds at most
// kCacheCapacity / kShards entries and drops an arbitrary one when full.
struct JwtVerifier::Cache {
  static constexpr std::size_t kShards = 16;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Verified> entries;
  };
  Shard shards[kShards];
  Shard& shard_for(const std::string& token) {
    return shards[std::hash<std::string>{}(token) % kShards];
  }
};

JwtVerifier::JwtVerifier(JwtSettings settings)
    : settings_(std::move(settings)), cache_(std::make_unique<Cache>()) {}
JwtVerifier::~JwtVerifier() = default;
JwtVerifier::JwtVerifier(JwtVerifier&&) noexcept = default;

JwtVerdict JwtVerifier::check_times(const Verified& v, std::int64_t now_s) const {
  const double now = static_cast<double>(now_s);
  const double leeway = static_cast<double>(settings_.leeway.count());
  if (now >= v.exp + leeway) return reject("token has expired");
  if (v.nbf && now + leeway < *v.nbf) return reject("token is not valid yet");
  return {v.principal, {}};
}

JwtVerdict JwtVerifier::verify(const std::string& token, std::int64_t now_s) const {
  auto& shard = cache_->shard_for(token);
  {
    std::lock_guard lock(shard.mutex);
    if (auto it = shard.entries.find(token); it != shard.entries.end())
      return check_times(it->second, now_s);
  }
  Verified v;
  JwtVerdict verdict = verify_uncached(token, now_s, v);
  if (!verdict.principal) return verdict;
  std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= kCacheCapacity / Cache::kShards)
    shard.entries.erase(shard.entries.begin());
  shard.entries.emplace(token, std::move(v));
  return verdict;
}

JwtVerdict JwtVerifier::verify_uncached(const std::string& token, std::int64_t now_s,
                                        Verified& out) const {
  // libjwt reads a C string: what follows a NUL would go unseen, while the cache keys on it all.
  if (token.find('\0') != std::string::npos)
    return reject("token is malformed or its signature does not verify");
  jwt_t* raw = nullptr;
  // libjwt checks the signature with the key and refuses "alg":"none" when a key is given.
  const int rc = jwt_decode(&raw, token.c_str(),
                            reinterpret_cast<const unsigned char*>(settings_.secret.data()),
                            static_cast<int>(settings_.secret.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) return reject("token is malformed or its signature does not verify");
  // Only HS256 is accepted: a token signed with another algorithm is refused even if libjwt could
  // check it, so a key meant for HMAC is never used any other way.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return reject("token algorithm is not HS256");

  CString grants(jwt_get_grants_json(jwt.get(), nullptr));
  if (!grants) return reject("token has no claims");
  boost::system::error_code ec;
  json::value parsed = parse_json(grants.get(), ec);
  if (ec || !parsed.is_object()) return reject("token claims are not a JSON object");
  const json::object& claims = parsed.get_object();

  auto exp = numeric_date(claims, "exp");
  if (!exp) return reject("token has no exp claim");
  if (std::isnan(*exp)) return reject("token exp claim is not a number");
  out.exp = *exp;
  if (auto nbf = numeric_date(claims, "nbf")) {
    if (std::isnan(*nbf)) return reject("token nbf claim is not a number");
    out.nbf = *nbf;
  }
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
  if (auto it = claims.find("scope"); it != claims.end())
    for (auto& s : string_list(it->value(), true))
      if (is_known_scope(s)) p.scopes.push_back(std::move(s));
  if (auto it = claims.find("servers"); it != claims.end())
    p.servers = string_list(it->value(), false);
  out.principal = std::move(p);
  return check_times(out, now_s);
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
