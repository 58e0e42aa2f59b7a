#include "auth/authenticator.h"

#include <cctype>
#include <chrono>

namespace mcpgw::auth {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

AuthResult Authenticator::authenticate(std::optional<std::string_view> authorization,
                                       bool may_block, bool may_wait) const {
  if (!required_) {
    Principal p{"anonymous", {std::string(kScopeAdmin), std::string(kScopeMcp)}, {}, "anonymous"};
    return {std::move(p), false, {}};
  }
  if (!authorization || authorization->empty())
    return {std::nullopt, false, "missing bearer token"};
  std::string_view h = *authorization;
  const auto space = h.find(' ');
  if (space == std::string_view::npos || !iequals(h.substr(0, space), "Bearer"))
    return {std::nullopt, true, "authorization scheme must be Bearer"};
  std::string_view token = h.substr(space + 1);
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ')
    token.remove_suffix(1);
  if (token.empty()) return {std::nullopt, true, "empty bearer token"};

  const auto now = std::chrono::system_clock::now().time_since_epoch();
  // API tokens: from the service's cache, else (may_block) a point lookup in the database.
  if (ApiTokenService::looks_like_api_token(token)) {
    if (!api_tokens_) return {std::nullopt, true, "API tokens are not enabled"};
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
    std::optional<ApiTokenVerdict> v = may_block
                                           ? api_tokens_->verify(std::string(token), now_ms)
                                           : api_tokens_->verify_cached(std::string(token), now_ms);
    if (!v) return {std::nullopt, true, {}, true};
    return {std::move(v->principal), true, std::move(v->reason)};
  }
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now).count();
  std::string text(token);
  if (issuers_ && !issuers_->empty()) {
    // mcpgw's own tokens are HS256; an issuer's never are (config/issuers.h refuses HMAC), so a
    // token claiming an issuer with HS256 is checked against mcpgw's secret alone and fails.
    auto view = peek_jwt(token);
    if (view && view->alg != "HS256") return external(text, *view, now_s, may_block, may_wait);
  }
  auto v = jwt_.verify(text, now_s);
  return {std::move(v.principal), true, std::move(v.reason)};
}

AuthResult Authenticator::external(const std::string& token, const TokenView& view,
                                   std::int64_t now_s, bool may_block, bool may_wait) const {
  const ExternalIssuer* issuer = issuers_->find(view.issuer);
  if (!issuer) return {std::nullopt, true, "token issuer is not accepted"};
  auto v = issuer->verify(token, view, now_s, may_wait);
  if (v.wait_for_keys) {
    AuthResult r{std::nullopt, true, {}, true};
    if (may_block) {
      r.wait_issuer = issuer;
      r.wait_generation = v.keys_generation;
    }
    return r;
  }
  return {std::move(v.principal), true, std::move(v.reason)};
}

}  // namespace mcpgw::auth
