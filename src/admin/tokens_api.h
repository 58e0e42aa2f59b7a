#pragma once
// /v1/tokens (admin scope): create (the token is in the response once), list, revoke.
// /v1/whoami (any valid token): the caller's principal.
namespace boost::asio {
class thread_pool;
}
namespace mcpgw::auth {
class ApiTokenService;
}
namespace mcpgw::http {
class HttpServer;
}

namespace mcpgw::admin {

void register_token_routes(http::HttpServer& server, auth::ApiTokenService& tokens,
                           boost::asio::thread_pool& blocking);

}  // namespace mcpgw::admin
