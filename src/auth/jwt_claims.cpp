#include "auth/jwt_claims.h"

#include <boost/json.hpp>
#include <cmath>

#include "common/crypto.h"
#include "common/json_parse.h"

namespace mcpgw::auth {
namespace json = boost::json;

std::optional<double> numeric_date(const json::object& claims, const char* name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->value().is_int64()) return static_cast<double>(it->value().get_int64());
  if (it->value().is_uint64()) return static_cast<double>(it->value().get_uint64());
  if (it->value().is_double() && std::isfinite(it->value().get_double()))
    return it->value().get_double();
  return std::nan("");
}

namespace {

std::optional<json::object> segment_object(std::string_view segment) {
  auto bytes = crypto::unbase64url(segment);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  json::value v = parse_json(*bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::string string_member(const json::object& o, const char* name) {
  auto it = o.find(name);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

}  // namespace

std::optional<TokenView> peek_jwt(std::string_view token) {
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos)
    return std::nullopt;
  auto header = segment_object(token.substr(0, first));
  auto claims = segment_object(token.substr(first + 1, second - first - 1));
  if (!header || !claims) return std::nullopt;
  return TokenView{string_member(*header, "alg"), string_member(*header, "kid"),
                   string_member(*claims, "iss")};
}

JwtVerdict check_times(const Verified& v, std::int64_t now_s, std::int64_t leeway_s) {
  const double now = static_cast<double>(now_s);
  const double leeway = static_cast<double>(leeway_s);
  if (now >= v.exp + leeway) return reject("token has expired");
  if (v.nbf && now + leeway < *v.nbf) return reject("token is not valid yet");
  return {v.principal, {}, false, 0};
}

std::optional<JwtVerdict> VerifiedCache::check(const std::string& token, std::int64_t now_s,
                                               std::int64_t leeway_s) const {
  auto& shard = shard_for(token);
  std::lock_guard lock(shard.mutex);
  if (auto it = shard.entries.find(token); it != shard.entries.end())
    return check_times(it->second, now_s, leeway_s);
  return std::nullopt;
}

void VerifiedCache::put(const std::string& token, Verified v) {
  auto& shard = shard_for(token);
  std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= kCapacity / kShards) shard.entries.erase(shard.entries.begin());
  shard.entries.insert_or_assign(token, std::move(v));
}

void VerifiedCache::clear() {
  for (auto& shard : shards_) {
    std::lock_guard lock(shard.mutex);
    shard.entries.clear();
  }
}

}  // namespace mcpgw::auth
