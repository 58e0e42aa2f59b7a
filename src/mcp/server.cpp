#include "mcp/server.h"

#include "protocol/versions.h"

namespace mcpgw::mcp {

ScopeCheck Server::check_scope(const auth::Principal& principal,
                               std::optional<std::string_view> server_id) const {
  return mcp::check_scope(catalog_, principal, server_id);
}

std::string negotiate_version(const json::value& requested) {
  if (requested.is_string() && protocol::is_supported_version(requested.get_string()))
    return std::string(requested.get_string());
  return std::string(protocol::kLatestVersion);
}

boost::asio::awaitable<Server::Initialized> Server::initialize(
    const RequestContext::Init& request_init, const jsonrpc::Message& request) const {
  static const json::value kNone;
  const json::value* requested = request.params.is_object()
                                     ? request.params.get_object().if_contains("protocolVersion")
                                     : nullptr;
  auto state = std::make_shared<SessionState>(negotiate_version(requested ? *requested : kNone));
  RequestContext::Init init = request_init;
  init.session = state.get();
  init.protocol_version = state->protocol_version();
  RequestContext ctx(std::move(init));
  Answer answer = co_await dispatcher_.handle(ctx, request);
  if (answer.is_error) state.reset();
  co_return Initialized{std::move(answer), std::move(state)};
}

}  // namespace mcpgw::mcp
