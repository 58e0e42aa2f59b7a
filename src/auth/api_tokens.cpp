#include "auth/api_tokens.h"

#include <spdlog/spdlog.h>

#include "common/crypto.h"

namespace mcpgw::auth {
namespace {
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kTokenLength = kApiTokenPrefix.size() + 2 * kSecretBytes;
constexpr std::size_t kShownPrefix = kApiTokenPrefix.size() + 6;
}  // namespace

bool ApiTokenService::looks_like_api_token(std::string_view token) {
  if (token.size() != kTokenLength || token.substr(0, kApiTokenPrefix.size()) != kApiTokenPrefix)
    return false;
  for (char c : token.substr(kApiTokenPrefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

CreatedApiToken ApiTokenService::create(const NewApiToken& req, std::int64_t now_ms) {
  CreatedApiToken out;
  out.token = std::string(kApiTokenPrefix) + crypto::random_hex(kSecretBytes);
  auto& r = out.record;
  r.id = crypto::random_hex(8);
  r.name = req.name;
  r.token_hash = crypto::sha256_hex(out.token);
  r.prefix = out.token.substr(0, kShownPrefix);
  r.subject = req.subject;
  r.scopes = req.scopes;
  r.servers = req.servers;
  r.created_at = now_ms;
  if (req.ttl)
    r.expires_at = now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(*req.ttl).count();
  repo_.insert(r);
  return out;
}

std::optional<std::optional<store::ApiTokenRecord>> ApiTokenService::cached(
    const std::string& hash) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(cache_mutex_);
  if (auto it = cache_.find(hash); it != cache_.end() && now - it->second.read < cache_ttl_)
    return it->second.record;
  return std::nullopt;
}

std::optional<store::ApiTokenRecord> ApiTokenService::record_of(const std::string& hash) {
  if (auto hit = cached(hash)) return std::move(*hit);
  const auto now = std::chrono::steady_clock::now();
  auto rec = repo_.find_by_hash(hash);  // throws store::DatabaseError: nothing cached then
  std::lock_guard lock(cache_mutex_);
  if (cache_.size() >= kMaxCached) cache_.clear();
  cache_[hash] = {rec, now};
  return rec;
}

bool ApiTokenService::revoke(const std::string& id, std::int64_t now_ms) {
  const bool revoked = repo_.revoke(id, now_ms);
  if (!revoked) return false;
  forget_cached();  // by id, not hash: start over, the next checks read the database again
  if (tell_others_) {
    try {
      tell_others_();
    } catch (const std::exception& e) {
      // Revoked all the same; elsewhere it stops once that node's cache entry is older than
      // auth.api_token_cache_ttl.
      spdlog::warn(
          "token {} revoked; the other nodes were not told ({}): it works there for "
          "at most the API token cache's TTL",
          id, e.what());
    }
  }
  return true;
}

void ApiTokenService::forget_cached() {
  std::lock_guard lock(cache_mutex_);
  cache_.clear();
}

ApiTokenVerdict ApiTokenService::verify(const std::string& token, std::int64_t now_ms) {
  if (!looks_like_api_token(token)) return {std::nullopt, "token is malformed"};
  return verdict_of(record_of(crypto::sha256_hex(token)), now_ms);
}

std::optional<ApiTokenVerdict> ApiTokenService::verify_cached(const std::string& token,
                                                              std::int64_t now_ms) {
  if (!looks_like_api_token(token)) return ApiTokenVerdict{std::nullopt, "token is malformed"};
  auto hit = cached(crypto::sha256_hex(token));
  if (!hit) return std::nullopt;
  return verdict_of(*hit, now_ms);
}

ApiTokenVerdict ApiTokenService::verdict_of(const std::optional<store::ApiTokenRecord>& rec,
                                            std::int64_t now_ms) {
  if (!rec) return {std::nullopt, "token is not known"};
  if (rec->revoked_at) return {std::nullopt, "token has been revoked"};
  if (rec->expires_at && now_ms >= *rec->expires_at) return {std::nullopt, "token has expired"};
  Principal p;
  p.subject = rec->subject;
  for (auto& s : rec->scopes)
    if (is_known_scope(s)) p.scopes.push_back(s);
  p.servers = rec->servers;
  p.token_kind = "api_token";
  return {std::move(p), {}};
}

}  // namespace mcpgw::auth
