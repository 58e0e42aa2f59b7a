#pragma once
// What a route handler sees and returns. Handlers are coroutines on the connection's strand; they
// must not block (offload blocking work with common/offload.h).
#include <any>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/fwd.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "http/router.h"

namespace mcpgw::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using Status = boost::beast::http::status;

// The body of a streamed (chunked) response, such as an SSE stream. Used on the connection's
// strand only, except for the waker.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Writes one chunk. Chunks are gathered and sent at the next wait() (or when many are due), so
  // a client that is gone shows as false on a later write, once a send has failed or missed the
  // write deadline. A view, so that no temporary string is made inside the caller's co_await
  // (see common/offload.h); it must stay valid until the write completes.
  virtual boost::asio::awaitable<bool> write(std::string_view data) = 0;
  enum class Wake { woken, timeout };
  // Sleeps until the waker is called (also if it was called since the last wait) or timeout.
  virtual boost::asio::awaitable<Wake> wait(std::chrono::milliseconds timeout) = 0;
  // Thread-safe and callable after the stream has ended (then it does nothing).
  virtual std::function<void()> waker() = 0;
  // True once the server is shutting down: end the stream (clients reconnect elsewhere).
  virtual bool closing() const = 0;
};
using Streamer = std::function<boost::asio::awaitable<void>(ResponseStream&)>;

// One request as a route handler serves it: the request, its route parameters, who is calling,
// and (optionally) how the body of the answer is streamed.
struct Exchange {
  const Request& request;
  RouteParams params;
  // Who the route's guard admitted (auth/route_guard.h reads it); empty on open routes.
  std::any caller;
  std::string request_id;
  std::string_view peer;  // "address:port" of the client, valid for the request's lifetime
  // Set by a handler to stream the body: the returned Response's header goes out with chunked
  // transfer coding, then the streamer writes the body. Keep-alive survives it: the connection
  // serves the next request after the last chunk.
  Streamer streamer;
};

using Handler = std::function<boost::asio::awaitable<Response>(Exchange&)>;

// Who may call a route.
struct Access {
  enum class Kind { open, authenticated, scope };
  Kind kind = Kind::open;
  std::string scope;       // for Kind::scope
  std::string or_scope{};  // for Kind::scope: a scope that admits too (admin for /metrics)
  // The body of a refusal after admission (429) on routes that answer in JSON-RPC (MCP); null:
  // the usual JSON error.
  std::string (*rpc_refusal)(std::string_view message) = nullptr;

  static Access open() { return {Kind::open, {}}; }
  static Access authenticated() { return {Kind::authenticated, {}}; }
  static Access require(std::string_view s) { return {Kind::scope, std::string(s)}; }
  static Access require_either(std::string_view s, std::string_view t) {
    return {Kind::scope, std::string(s), std::string(t)};
  }
};

// A JSON response with the given status.
Response json_response(Status status, const boost::json::value& body);
// The same with a body that is already serialized JSON.
Response json_text_response(Status status, std::string body);
// The error body every mcpgw HTTP error uses: {"error": short, "detail": detail}.
Response error_response(Status status, std::string_view error, std::string_view detail);

}  // namespace mcpgw::http
