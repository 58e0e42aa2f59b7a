#pragma once
// One MCP session with one upstream server over streamable HTTP, as a client: initialize once
// (concurrent callers wait for the same attempt), requests answered in JSON or on an SSE stream
// whose other messages (progress, logging, server-to-client requests) are handed over in order,
// notifications, answers to the upstream's requests, a GET stream, and DELETE on close. A session
// the upstream forgot (404) is initialized again, once, before the request is retried.
//
// An upstream of the modern era (2026-07-28) has no sessions: the "session" is then only the
// era it was found to speak. Which era is settled once, as versioning.mdx says: a server/discover
// probe, and initialize when the answer is not a modern one (an endpoint whose last discovery
// settled the era skips the probe). Modern requests carry the _meta envelope (the client's
// capabilities and info as given at construction) and the Mcp-Method / Mcp-Name headers; the GET
// stream becomes a subscriptions/listen stream, ping becomes server/discover, and there is
// nothing to DELETE.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "gateway/http_client.h"
#include "gateway/upstream_error.h"
#include "protocol/message.h"

namespace mcpgw::gateway {

// How to reach one upstream MCP server. Immutable; a changed gateway gets a new one.
// One gateway's series in the metrics registry (null when metrics are off): its requests'
// durations, and their failures by kind.
struct UpstreamMetrics {
  metrics::Histogram* duration = nullptr;
  metrics::Counter* errors[UpstreamError::kKinds] = {};
  static UpstreamMetrics make(std::string_view gateway);
  void record(const std::optional<UpstreamError>& failure,
              std::chrono::steady_clock::duration took) const;
  // mcpgw_upstream_up of the gateway: 1 once it answers its health checks, 0 once they fail.
  static void set_up(std::string_view gateway, bool up);
};

struct UpstreamEndpoint {
  std::string gateway_id;
  std::string name;  // for messages
  std::string slug;  // the prefix of its items' names and URIs
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // static headers and credentials
  std::chrono::milliseconds timeout{30'000};                 // longest wait for the next message
  std::string fingerprint;  // differs when any of the above differs
  // The revision its last discovery settled on ("" not yet): sessions of a known era skip the
  // probe. Not part of the fingerprint (a discovery that changes it restarts nothing).
  std::string protocol_version;
  UpstreamMetrics metrics{};  // by name: set with it
};

// What one request needs beyond its method and params.
struct RequestOptions {
  // Sent as they are (a modern upstream: the Mcp-Param-* headers of a tool's x-mcp-header
  // parameters, and those the client sent that mcpgw does not know).
  std::vector<std::pair<std::string, std::string>> headers;
  // A modern upstream: the envelope's io.modelcontextprotocol/logLevel ("" none: no logs).
  std::string log_level;
};

// A message the upstream sent, parsed, with its exact text.
struct UpstreamMessage {
  jsonrpc::Message message;
  std::string text;
};

// The outcome of a request: the upstream's result (its exact JSON text) or its JSON-RPC error,
// or why there is neither (`failure`; kind cancelled when the caller's Abort ended it).
struct UpstreamResult {
  std::string result;
  std::optional<jsonrpc::Error> error;
  std::optional<UpstreamError> failure;
  bool ok() const { return !failure && !error; }
};

// The clientInfo mcpgw gives upstream when it speaks for itself, or for a client that gave none.
inline boost::json::object mcpgw_client_info() {
  return {{"name", "mcpgw"}, {"version", "1"}};
}

class UpstreamSession : public std::enable_shared_from_this<UpstreamSession> {
 public:
  // What mcpgw tells the upstream about the client it speaks for.
  struct ClientIdentity {
    boost::json::object client_info;
    boost::json::object capabilities;
  };
  using OnMessage = std::function<void(UpstreamMessage&)>;

  UpstreamSession(HttpClient& http, std::shared_ptr<const UpstreamEndpoint> endpoint,
                  ClientIdentity identity);

  const UpstreamEndpoint& endpoint() const { return *endpoint_; }

  // nullopt once the session is initialized, else why it cannot be.
  boost::asio::awaitable<std::optional<UpstreamError>> ensure_initialized();

  // A request with params (JSON text, "" for none). Messages other than its response that come
  // on its stream go to on_message. upstream_id receives the id the request was sent with (for
  // notifications/cancelled). stream_wait, when set, says how long the response stream may stay
  // silent before the next message (instead of the endpoint's timeout).
  boost::asio::awaitable<UpstreamResult> request(
      std::string_view method, std::string params, OnMessage on_message,
      std::shared_ptr<Abort> abort = nullptr, boost::json::value* upstream_id = nullptr,
      std::function<std::chrono::milliseconds()> stream_wait = nullptr,
      const RequestOptions* options = nullptr);
  // The health check: ping (legacy), server/discover (modern).
  boost::asio::awaitable<UpstreamResult> ping();
  // A notification; nullopt when the upstream accepted it.
  boost::asio::awaitable<std::optional<UpstreamError>> notify(std::string_view method,
                                                              std::string params);
  // Sends a message as it is (an answer to one of the upstream's requests); nullopt when the
  // upstream accepted it.
  boost::asio::awaitable<std::optional<UpstreamError>> send_message(std::string text);
  // The GET stream of server-initiated messages, until it ends, fails, stays silent for
  // `idle` (a timeout), or abort fires. nullopt when it ended normally or by abort. A modern
  // upstream: a subscriptions/listen stream for its list changes instead.
  boost::asio::awaitable<std::optional<UpstreamError>> listen(OnMessage on_message,
                                                              std::shared_ptr<Abort> abort,
                                                              std::chrono::milliseconds idle);
  // A modern upstream's resource updates for the resources this session subscribed to
  // (resources/subscribe and unsubscribe of a modern upstream only change that set): a
  // subscriptions/listen stream naming them, reopened whenever the set changes, idle while it is
  // empty, until abort fires (nullopt) or the stream fails.
  boost::asio::awaitable<std::optional<UpstreamError>> listen_resources(
      OnMessage on_message, std::shared_ptr<Abort> abort, std::chrono::milliseconds idle);
  // The client's logging level, given to the upstream (logging/setLevel) when it offers logging
  // and has not been given that level in this session yet. nullopt once done or not needed, else
  // why it failed (rejected: the upstream's JSON-RPC error).
  boost::asio::awaitable<std::optional<UpstreamError>> apply_log_level(std::string level);
  // True when apply_log_level(level) has something to do (cheap; no coroutine).
  bool needs_log_level(const std::string& level) const;
  // Whoever follows this session's GET stream on the client's behalf (one at a time): the abort
  // that ends it, or null when one runs already. close() fires it; release when done.
  std::shared_ptr<Abort> claim_listener();
  void release_listener(const std::shared_ptr<Abort>& mine);
  // Ends whoever follows the GET stream, without any I/O.
  void stop_listener();
  // Ends the session upstream (DELETE). Later calls initialize a new one.
  boost::asio::awaitable<void> close();

  // What initialize returned.
  boost::json::object server_capabilities() const;
  boost::json::object server_info() const;
  std::string protocol_version() const;
  bool initialized() const;
  // Ready, and of the modern era (stateless requests with the envelope).
  bool modern() const;

 private:
  struct Exchange;     // upstream_exchange.h
  struct ReplyReader;  // upstream_exchange.cpp
  boost::asio::awaitable<UpstreamResult> connect();
  boost::asio::awaitable<UpstreamResult> initialize();
  // The era probe: server/discover. Sets modern_ (and what it returned) when the answer is
  // modern; fallback says to try initialize instead.
  boost::asio::awaitable<UpstreamResult> probe(bool& fallback);
  // Params (JSON text) with the modern envelope in their _meta; name receives the member
  // Mcp-Name mirrors.
  std::string with_envelope(std::string_view method, std::string_view params,
                            const RequestOptions* options, std::string& name) const;
  boost::asio::awaitable<UpstreamResult> exchange(Exchange& x);
  OutboundRequest outbound(Exchange& x) const;
  static std::optional<UpstreamError> failure_of(Exchange& x, const OutboundResponse& res,
                                                 ReplyReader& reader);
  OutboundRequest base_request(std::string method) const;
  void forget_session(const std::string& id);
  // The upstream refused the revision a request carried: the era is settled again (the probe)
  // before the next request, whatever discovery found before.
  void doubt_era();
  // A modern upstream's hop_refusal() in r becomes r's failure; true instead when the request
  // is to be sent again (a refused revision, once: may_retry) after doubt_era().
  bool refused_hop(UpstreamResult& r, std::string_view method, bool may_retry);

  HttpClient& http_;
  const std::shared_ptr<const UpstreamEndpoint> endpoint_;
  const ClientIdentity identity_;

  mutable std::mutex mutex_;
  enum class State { fresh, initializing, ready } state_ = State::fresh;
  std::vector<std::function<void()>> waiters_;  // woken when an initialize attempt ends
  std::optional<UpstreamError> last_failure_;   // of the last initialize attempt
  std::string session_id_;
  std::string protocol_version_;
  bool modern_ = false;
  bool era_doubted_ = false;  // doubt_era(): the next connect() probes
  boost::json::object server_capabilities_, server_info_;
  std::int64_t next_id_ = 1;
  std::string log_level_;  // the level this upstream session was given
  std::shared_ptr<Abort> listener_;
  // Modern: the upstream URIs subscribed to, and who follows them (its stream's abort, and what
  // wakes it while the set is empty), told when the set changes.
  std::set<std::string> resource_subscriptions_;
  std::shared_ptr<Abort> resources_stream_;
  std::function<void()> resources_wake_;
  // Modern resources/subscribe or unsubscribe: the set changes, the follower hears of it.
  UpstreamResult change_subscription(std::string_view method, std::string_view params);
  void forget_follower(const std::shared_ptr<Abort>& stream);
};

// The upstream sessions of one client session: at most one per upstream server, made on first
// use, replaced when the server's settings change, and all closed with the client session. They
// are never shared with another client session.
class UpstreamSessions {
 public:
  UpstreamSessions() = default;
  UpstreamSessions(const UpstreamSessions&) = delete;
  UpstreamSessions& operator=(const UpstreamSessions&) = delete;
  ~UpstreamSessions();

  std::shared_ptr<UpstreamSession> get(HttpClient& http,
                                       const std::shared_ptr<const UpstreamEndpoint>& endpoint,
                                       const std::function<UpstreamSession::ClientIdentity()>& who);
  // Ends every session upstream (DELETE, in the background). Later get() calls make new ones.
  void close_all();
  // The sessions there are now.
  std::vector<std::shared_ptr<UpstreamSession>> current() const;

 private:
  mutable std::mutex mutex_;
  HttpClient* http_ = nullptr;
  std::map<std::string, std::shared_ptr<UpstreamSession>> by_gateway_;
};

// Ends a session upstream in the background.
void close_in_background(HttpClient& http, std::shared_ptr<UpstreamSession> session);

}  // namespace mcpgw::gateway
