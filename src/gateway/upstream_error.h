#pragma once
// Why an exchange with an upstream (an MCP server or a REST endpoint) brought no answer: a kind
// that callers switch on, and the words for logs and isError results. The words are text(); no
// caller should look inside them to decide anything.
#include <string>
#include <utility>

namespace mcpgw::gateway {

struct UpstreamError {
  enum class Kind {
    unreachable,   // no connection: a URL that cannot be used, a name that does not resolve, a
                   // refused connect, a failed TLS handshake
    disconnected,  // the connection failed once the exchange began (a request the peer dropped,
                   // a stream that broke)
    timeout,       // a wait ran out: connecting, the response, the next message of a stream
    http_status,   // the upstream answered with a status other than 2xx
    session_lost,  // it answered 404 or 400 to a request in its session: it forgot the session
    protocol,      // it answered, but not as MCP asks (no response to the request, a version
                   // mcpgw does not speak)
    rejected,      // it answered a request mcpgw needed with a JSON-RPC error
    too_large,     // a response or message over the size limit
    cancelled,     // the caller's Abort ended it
  };
  static constexpr std::size_t kKinds = 9;
  // The kind's name, for metrics: unreachable, disconnected, timeout, ...
  static const char* kind_name(Kind k);
  Kind kind = Kind::unreachable;
  unsigned http_status = 0;  // http_status, session_lost: the status it answered with
  // What happened, in words. http_status and session_lost: the reason phrase, then a part of the
  // body. cancelled: unused.
  std::string detail{};
  std::string context{};  // what mcpgw was doing when it happened, when not the caller's request

  static UpstreamError of(Kind kind, std::string detail) {
    return UpstreamError{.kind = kind, .detail = std::move(detail)};
  }
  // "<context>: " when there is one, then "upstream answered HTTP <status> <detail>" for
  // http_status and session_lost, "cancelled" for cancelled, the detail otherwise.
  std::string text() const;
};

}  // namespace mcpgw::gateway
