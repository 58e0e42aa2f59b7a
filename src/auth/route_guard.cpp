#include "auth/route_guard.h"

#include <boost/asio/thread_pool.hpp>

#include "common/offload.h"

namespace mcpgw::auth {
namespace bhttp = boost::beast::http;

http::Guard::Verdict RouteGuard::admit(const http::Access& access, http::Exchange& ctx) const {
  return decide(access, ctx, blocking_ == nullptr);
}

boost::asio::awaitable<http::Guard::Verdict> RouteGuard::admit_blocking(const http::Access& access,
                                                                        http::Exchange& ctx) const {
  KeyWait wait;
  Verdict first = co_await decide_blocking_async(access, ctx, true, &wait);
  if (!wait.issuer) co_return first;
  co_await wait.issuer->wait_for_keys(wait.generation);
  co_return co_await decide_blocking_async(access, ctx, false, nullptr);
}

boost::asio::awaitable<http::Guard::Verdict> RouteGuard::decide_blocking_async(
    const http::Access& access, http::Exchange& ctx, bool may_wait, KeyWait* wait) const {
  if (!blocking_) co_return decide(access, ctx, true, may_wait, wait);
  co_return co_await offload(*blocking_, [&] { return decide(access, ctx, true, may_wait, wait); });
}

http::Guard::Verdict RouteGuard::decide(const http::Access& access, http::Exchange& ctx,
                                        bool may_block, bool may_wait, KeyWait* wait) const {
  const auto& req = ctx.request;
  std::optional<std::string_view> authz;
  if (auto it = req.find(bhttp::field::authorization); it != req.end()) authz = it->value();
  auto result = authenticator_.authenticate(authz, may_block, may_block ? may_wait : true);
  if (result.wait_issuer && wait) {
    *wait = {result.wait_issuer, result.wait_generation};
    return {std::nullopt, {}, false};
  }
  if (result.needs_lookup) return {std::nullopt, {}, true};
  const std::string_view scope =
      access.kind == http::Access::Kind::scope ? std::string_view(access.scope) : "";
  if (!result.principal) {
    auto res = http::error_response(http::Status::unauthorized, "unauthorized", result.reason);
    if (resource_)
      res.set(bhttp::field::www_authenticate,
              resource_->unauthorized(req, result.token_presented, scope));
    else
      res.set(bhttp::field::www_authenticate,
              result.token_presented ? "Bearer error=\"invalid_token\"" : "Bearer");
    return {std::move(res), {}};
  }
  std::string subject = result.principal->subject;
  if (!scope.empty() && !result.principal->has_scope(scope) &&
      (access.or_scope.empty() || !result.principal->has_scope(access.or_scope))) {
    auto res = http::error_response(http::Status::forbidden, "forbidden",
                                    "token lacks the '" + access.scope + "' scope");
    res.set(bhttp::field::www_authenticate,
            resource_ ? resource_->insufficient_scope(req, scope)
                      : "Bearer error=\"insufficient_scope\", scope=\"" + access.scope + "\"");
    return {std::move(res), std::move(subject)};
  }
  ctx.caller = std::move(*result.principal);
  return {std::nullopt, std::move(subject)};
}

const Principal& principal_of(const http::Exchange& ctx) {
  // Only handlers of guarded routes ask; anything else is a programming error (bad_any_cast).
  return std::any_cast<const Principal&>(ctx.caller);
}

}  // namespace mcpgw::auth
