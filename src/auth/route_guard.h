#pragma once
// The guard of mcpgw's HTTP routes: a bearer token (auth/authenticator.h) gives the Principal
// that handlers read with principal_of(); no token or a bad one is 401, a token without the
// route's scope 403, each with its WWW-Authenticate challenge (RFC 6750).
// An API token that is not in the service's cache is read from the database on `blocking` (the
// request waits there, off the I/O threads); without one, inline. A token whose external issuer
// is fetching keys (an unknown kid, or keys not loaded yet) waits for the fetch, on a timer.
#include "auth/authenticator.h"
#include "auth/protected_resource.h"
#include "http/guard.h"

namespace boost::asio {
class thread_pool;
}

namespace mcpgw::auth {

class RouteGuard final : public http::Guard {
 public:
  // resource: this gateway's RFC 9728 metadata, named in the challenges (may be null).
  explicit RouteGuard(const Authenticator& authenticator,
                      boost::asio::thread_pool* blocking = nullptr,
                      const ProtectedResource* resource = nullptr)
      : authenticator_(authenticator), blocking_(blocking), resource_(resource) {}
  Verdict admit(const http::Access& access, http::Exchange& ctx) const override;
  boost::asio::awaitable<Verdict> admit_blocking(const http::Access& access,
                                                 http::Exchange& ctx) const override;

 private:
  // The token's issuer is fetching keys: wait for them there, then decide once more.
  struct KeyWait {
    const ExternalIssuer* issuer = nullptr;
    std::uint64_t generation = 0;
  };
  Verdict decide(const http::Access& access, http::Exchange& ctx, bool may_block,
                 bool may_wait = false, KeyWait* wait = nullptr) const;
  boost::asio::awaitable<Verdict> decide_blocking_async(const http::Access& access,
                                                        http::Exchange& ctx, bool may_wait,
                                                        KeyWait* wait) const;

  const Authenticator& authenticator_;
  boost::asio::thread_pool* blocking_;
  const ProtectedResource* resource_;
};

// The caller of a route that is not open, as RouteGuard admitted it.
const Principal& principal_of(const http::Exchange& ctx);

}  // namespace mcpgw::auth
