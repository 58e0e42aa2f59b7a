#pragma once
// What a route handler sees and returns. Handlers are coroutines on the connection's strand; they
// must not block (offload blocking work with common/offload.h).
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/fwd.hpp>
#include <functional>
#include <string>

#include "auth/principal.h"
#include "http/router.h"

namespace mcpgw::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Status = boost::beast::http::status;

struct RequestContext {
  const Request& request;
  RouteParams params;
  const auth::Principal* principal = nullptr;  // set on routes that require authentication
  std::string request_id;
  std::string_view peer;  // "address:port" of the client, valid for the request's lifetime
};

using Handler = std::function<boost::asio::awaitable<Response>(RequestContext&)>;

// Who may call a route.
struct Access {
  enum class Kind { open, authenticated, scope };
  Kind kind = Kind::open;
  std::string scope;  // for Kind::scope

  static Access open() { return {Kind::open, {}}; }
  static Access authenticated() { return {Kind::authenticated, {}}; }
  static Access require(std::string_view s) { return {Kind::scope, std::string(s)}; }
};

// A JSON response with the given status.
Response json_response(Status status, const boost::json::value& body);
// The error body every mcpgw HTTP error uses: {"error": short, "detail": detail}.
Response error_response(Status status, std::string_view error, std::string_view detail);

}  // namespace mcpgw::http
