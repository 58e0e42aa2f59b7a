#pragma once
// The guard of mcpgw's HTTP routes: a bearer token (auth/authenticator.h) gives the Principal
// that handlers read with principal_of(); no token or a bad one is 401, a token without the
// route's scope 403, each with its WWW-Authenticate challenge (RFC 6750).
#include "auth/authenticator.h"
#include "http/guard.h"

namespace mcpgw::auth {

class RouteGuard final : public http::Guard {
 public:
  explicit RouteGuard(const Authenticator& authenticator) : authenticator_(authenticator) {}
  Verdict admit(const http::Access& access, http::Exchange& ctx) const override;

 private:
  const Authenticator& authenticator_;
};

// The caller of a route that is not open, as RouteGuard admitted it.
const Principal& principal_of(const http::Exchange& ctx);

}  // namespace mcpgw::auth
