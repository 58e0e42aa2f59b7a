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
                                       bool may_block) const {
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
  auto v = jwt_.verify(std::string(token),
                       std::chrono::duration_cast<std::chrono::seconds>(now).count());
  return {std::move(v.principal), true, std::move(v.reason)};
}

}  // namespace mcpgw::auth
