#include "mcp/relay.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>

#include "common/json_parse.h"
#include "common/wakeup.h"
#include "gateway/catalog.h"
#include "gateway/federation.h"
#include "gateway/upstream_session.h"
#include "protocol/errors.h"
#include "protocol/header_params.h"
#include "protocol/names.h"
#include "protocol/raw.h"

namespace mcpgw::mcp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

// How long a client may take to answer an upstream's sampling or elicitation request (a person
// may be answering). Meanwhile the upstream's response stream may stay silent that much longer.
constexpr std::chrono::milliseconds kClientAnswerTimeout = std::chrono::minutes(10);

std::chrono::milliseconds answer_timeout(std::string_view method,
                                         std::chrono::milliseconds otherwise) {
  return method == protocol::method::kSamplingCreateMessage ||
                 method == protocol::method::kElicitationCreate
             ? kClientAnswerTimeout
             : otherwise;
}

Outcome tool_error(std::string text) {
  return Outcome::ok(json::object{
      {"content", json::array{json::object{{"type", "text"}, {"text", std::move(text)}}}},
      {"isError", true}});
}

// The capabilities mcpgw declares upstream for a client: those it can relay, as the client
// declared them.
gateway::UpstreamSession::ClientIdentity identity_of(const RequestContext& ctx) {
  gateway::UpstreamSession::ClientIdentity id;
  if (ctx.session() || ctx.envelope()) {
    id.client_info = ctx.session() ? ctx.session()->client_info() : ctx.envelope()->client_info;
    const json::object caps =
        ctx.session() ? ctx.session()->client_capabilities() : ctx.envelope()->client_capabilities;
    for (std::string_view c : protocol::kClientRequestCapabilities)
      if (auto it = caps.find(c); it != caps.end()) id.capabilities[c] = it->value();
  }
  if (!id.client_info.contains("name")) id.client_info = gateway::mcpgw_client_info();
  return id;
}

// A response to the upstream's request `id`, with the id exactly as the upstream sent it.
std::string response_for(const json::value& id, const Outcome& reply) {
  if (reply.error) return json::serialize(jsonrpc::error_response(id, *reply.error));
  return json::serialize(jsonrpc::response(id, reply.result));
}

// What a notification from an upstream becomes for the client; nullopt when it is not for it.
// resources/updated carries the URI mcpgw offers and reaches only a session subscribed to it;
// a log message reaches a modern request (ctx) only at the level it asked for;
// list changes are mcpgw's own business (the gateway's monitor refreshes the catalog and mcpgw
// tells its sessions); anything else (log messages, progress) goes exactly as it came.
std::optional<std::string> for_client(const SessionState* client, std::string_view slug,
                                      gateway::UpstreamMessage& m,
                                      const RequestContext* ctx = nullptr) {
  const std::string_view method = m.message.method;
  // A modern request gets log messages only at the level its envelope asked for.
  if (method == protocol::notification::kMessage && ctx) {
    const auto* params = m.message.params.is_object() ? &m.message.params.get_object() : nullptr;
    const auto* level = params ? params->if_contains("level") : nullptr;
    if (!level || !level->is_string() || !ctx->wants_log(level->get_string())) return std::nullopt;
  }
  if (method == protocol::notification::kResourceUpdated) {
    auto* uri =
        m.message.params.is_object() ? m.message.params.get_object().if_contains("uri") : nullptr;
    if (!uri || !uri->is_string()) return std::nullopt;
    // Subscribed under the URI mcpgw offers, or (original names) under the upstream's own.
    const std::string mine = gateway::federated_uri(slug, uri->get_string());
    if (!client) return std::nullopt;
    if (client->subscribed(mine))
      *uri = mine;
    else if (!client->subscribed(std::string(uri->get_string())))
      return std::nullopt;
    // A modern upstream tags it with its listen stream, which is mcpgw's, not the client's.
    auto& params = m.message.params.get_object();
    if (auto* meta = params.if_contains("_meta"); meta && meta->is_object()) {
      meta->get_object().erase(protocol::meta::kSubscriptionId);
      if (meta->get_object().empty()) params.erase("_meta");
    }
    return json::serialize(jsonrpc::notification(method, std::move(m.message.params)));
  }
  if (method.ends_with(protocol::notification::kListChangedSuffix) ||
      method == protocol::notification::kSubscriptionsAcknowledged)
    return std::nullopt;
  return std::move(m.text);
}

// A client session's standalone stream as the outbound side of a request context: for
// server-to-client requests an upstream sends on its GET stream, tied to no client request.
class StandaloneOutbound final : public Outbound {
 public:
  explicit StandaloneOutbound(std::shared_ptr<SessionState> client) : client_(std::move(client)) {}
  bool send(json::object message) override { return send_text(json::serialize(message)); }
  bool send_text(std::string message) override {
    // Nobody listening: the request could never be answered, so it fails at once.
    return client_->standalone_has_reader() && client_->send_standalone(std::move(message));
  }

 private:
  std::shared_ptr<SessionState> client_;
};

// Answers one server-to-client request of an upstream through the client, then sends the
// answer upstream under the upstream's id.
awaitable<void> answer_upstream_request(RequestContext& ctx,
                                        std::shared_ptr<gateway::UpstreamSession> session,
                                        const gateway::UpstreamMessage& m) {
  const auto timeout = answer_timeout(m.message.method, session->endpoint().timeout);
  const Outcome reply = co_await ctx.request(m.message.method, m.message.params, timeout);
  std::string answer = response_for(m.message.id, reply);
  if (auto why = co_await session->send_message(std::move(answer)); why)
    spdlog::info("request {}: answering {} of upstream {} failed: {}", ctx.log_id(),
                 m.message.method, session->endpoint().name, why->text());
}

// Follows the GET stream of a client's upstream session for as long as the session lives, and
// hands what comes on it to the client: notifications on the client's standalone stream,
// server-to-client requests through it (their answers go back upstream). Reopens it at once
// when it ended or stayed silent too long, with a growing pause when it failed; stops when the
// upstream has no GET stream (405).
awaitable<void> follow_upstream(std::weak_ptr<SessionState> client,
                                std::shared_ptr<gateway::UpstreamSession> session,
                                std::shared_ptr<gateway::Abort> abort, std::string log_id) {
  constexpr auto kIdle = std::chrono::minutes(5);  // a silent stream is reopened after this
  auto ex = co_await asio::this_coro::executor;
  const std::string slug = session->endpoint().slug;
  // The client session is not kept alive by this: it ends, and its upstream sessions with it.
  gateway::UpstreamSession::OnMessage on_message = [&](gateway::UpstreamMessage& m) {
    using Kind = jsonrpc::Message::Kind;
    auto c = client.lock();
    if (!c) return;
    if (m.message.kind == Kind::notification) {
      if (auto text = for_client(c.get(), slug, m)) c->send_standalone(std::move(*text));
      return;
    }
    if (m.message.kind != Kind::request) return;
    asio::co_spawn(
        ex,
        [c, session, log_id, m = std::move(m)]() -> awaitable<void> {
          StandaloneOutbound out(c);
          RequestContext ctx(
              {c.get(), nullptr, {}, c->protocol_version(), nullptr, log_id, &out, nullptr});
          co_await answer_upstream_request(ctx, session, m);
        },
        asio::detached);
  };
  using Kind = gateway::UpstreamError::Kind;
  // A modern upstream has no stream of its own for a client: its list changes reach mcpgw's
  // monitor, and it sends no requests outside a call.
  int failures = 0;
  while (!abort->fired() && !client.expired()) {
    // The era, once the session is ready (it may not be yet when the upstream was down).
    const std::optional<gateway::UpstreamError> unready = co_await session->ensure_initialized();
    const bool modern = !unready && session->modern();
    // A modern upstream: a subscriptions/listen stream for the resources subscribed in this
    // session (its list changes reach mcpgw's monitor, and it sends no requests outside a call).
    // Not a co_await inside ?: (a GCC 12 trap, common/offload.h).
    std::optional<gateway::UpstreamError> why;
    if (modern)
      why = co_await session->listen_resources(on_message, abort, kIdle);
    else
      why = co_await session->listen(on_message, abort, kIdle);
    if (abort->fired()) break;
    if (why && why->kind == Kind::http_status && why->http_status == 405)
      break;  // the upstream offers no GET stream
    if (!why || why->kind == Kind::timeout) {
      failures = 0;
      continue;
    }
    ++failures;
    spdlog::debug("session {}: GET stream of upstream {} failed ({}); again in {} s", log_id,
                  session->endpoint().name, why->text(), std::min(failures, 30));
    Wakeup pause(ex);
    co_await pause.wait(std::chrono::seconds(std::min(failures, 30)));
  }
  session->release_listener(abort);
}

}  // namespace

namespace {

// A failed relay: an isError result for tools/call, a JSON-RPC error otherwise.
Outcome failure(bool tool_call, std::string why) {
  if (tool_call) return tool_error(std::move(why));
  return Outcome::fail(jsonrpc::kInternalError, std::move(why));
}

// The upstream session a request goes in: the client session's own (made on first use, its GET
// stream followed on the client's behalf, given the client's logging level before its first
// request); for a modern client, the one kept for its principal on this endpoint; or, legacy
// stateless, one for this request alone.
awaitable<std::shared_ptr<gateway::UpstreamSession>> session_for(
    RequestContext& ctx, gateway::Federation& federation, const gateway::UpstreamBinding& binding) {
  if (!ctx.session() && ctx.modern()) {
    // Kept for the principal on this endpoint: a modern client has no session to own it. The
    // capabilities it relays (declared upstream at initialize) are part of the key.
    std::string key = ctx.principal().subject + '\n' + ctx.scope().server.value_or("") + '\n';
    for (std::string_view c : protocol::kClientRequestCapabilities)
      if (ctx.client_declared(c)) key += std::string(c) + ' ';
    co_return federation.client_pool().get(key)->get(federation.http(), binding.endpoint,
                                                     [&ctx] { return identity_of(ctx); });
  }
  if (!ctx.session())
    co_return std::make_shared<gateway::UpstreamSession>(federation.http(), binding.endpoint,
                                                         identity_of(ctx));
  auto session = ctx.session()->upstreams().get(federation.http(), binding.endpoint,
                                                [&ctx] { return identity_of(ctx); });
  auto ex = co_await asio::this_coro::executor;
  if (auto client = ctx.session()->weak_from_this().lock())
    if (auto listener = session->claim_listener())
      asio::co_spawn(ex,
                     follow_upstream(std::move(client), session, std::move(listener), ctx.log_id()),
                     asio::detached);
  if (session->needs_log_level(ctx.session()->log_level())) {
    const std::string level = ctx.session()->log_level();
    auto why = co_await session->apply_log_level(level);
    if (why)
      spdlog::info("request {}: logging level {} not applied on upstream {}: {}", ctx.log_id(),
                   level, session->endpoint().name, why->text());
  }
  co_return session;
}

// A legacy upstream is not told the modern envelope (its revision is not the client's): the
// envelope's keys leave _meta, and _meta goes when nothing else is in it.
void strip_envelope(json::object& params) {
  auto* meta = params.if_contains("_meta");
  if (!meta || !meta->is_object()) return;
  auto& m = meta->get_object();
  for (auto key : {protocol::meta::kProtocolVersion, protocol::meta::kClientCapabilities,
                   protocol::meta::kClientInfo, protocol::meta::kLogLevel})
    m.erase(key);
  if (m.empty()) params.erase("_meta");
}

// The client cancelled: the upstream hears it under the id it got the request with.
awaitable<void> relay_cancel(RequestContext& ctx, gateway::UpstreamSession& session,
                             const json::value& upstream_id) {
  std::string cancel = json::serialize(
      json::object{{"requestId", upstream_id}, {"reason", "cancelled by the client"}});
  const std::optional<gateway::UpstreamError> why =
      co_await session.notify(protocol::notification::kCancelled, std::move(cancel));
  spdlog::info("request {}: cancelled by the client; cancel relayed to upstream {} as request {}{}",
               ctx.log_id(), session.endpoint().name, json::serialize(upstream_id),
               why ? " (failed: " + why->text() + ")" : "");
}

// A modern upstream's rounds of input: each call at most this many (a server that keeps asking
// is not going to finish). Below the official SDK client's own limit (inputRequired.maxRounds,
// 10), so that a modern client gets mcpgw's error, which names the upstream, rather than giving
// up on its own while mcpgw still holds the call.
constexpr int kMaxInputRounds = 8;

// What the request needs besides method and params: the client's log level and, for a tool
// call, the Mcp-Param-* headers of the tool's x-mcp-header parameters (a modern upstream only
// gets them).
gateway::RequestOptions options_for(const RequestContext& ctx,
                                    const gateway::UpstreamBinding& binding,
                                    const json::object& params) {
  gateway::RequestOptions o;
  if (ctx.session())
    o.log_level = ctx.session()->log_level();
  else if (ctx.envelope() && ctx.envelope()->log_level)
    o.log_level = *ctx.envelope()->log_level;
  if (!binding.header_params.empty())
    if (const auto* args = params.if_contains("arguments"))
      for (const auto& hp : binding.header_params)
        if (auto v = protocol::header_param_value(*args, hp.path))
          o.headers.emplace_back(hp.header, std::move(*v));
  // A modern client's Mcp-Param-* headers that no parameter of the tool names go on untouched
  // (intermediaries forward what they do not know).
  if (ctx.envelope())
    for (const auto& [name, value] : ctx.envelope()->param_headers) {
      bool known = false;
      for (const auto& hp : binding.header_params)
        known = known || boost::beast::iequals(hp.header, name);
      if (!known) o.headers.emplace_back(name, value);
    }
  return o;
}

// An upstream result of resultType input_required: its inputRequests asked of the client, all
// at once (a legacy client on its stream, a modern one in an input_required of mcpgw's own), and
// the answers put into params for the retry (inputResponses, and the upstream's requestState as
// it gave it). nullopt when params are ready; else the failure to answer with.
awaitable<std::optional<std::string>> gather_input(RequestContext& ctx,
                                                   const gateway::UpstreamEndpoint& endpoint,
                                                   const std::string& result,
                                                   json::object& params) {
  boost::system::error_code ec;
  json::value v = parse_json(result, ec);
  const json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
  const json::value* inputs = o ? o->if_contains("inputRequests") : nullptr;
  if (!inputs || !inputs->is_object() || inputs->get_object().empty())
    co_return "its input_required result has no inputRequests";
  struct Ask {
    std::string key, method;
    json::value params;
    Outcome reply;
  };
  std::vector<Ask> asks;
  for (const auto& [key, req] : inputs->get_object()) {
    const auto* r = req.is_object() ? &req.get_object() : nullptr;
    const auto* m = r ? r->if_contains("method") : nullptr;
    if (!m || !m->is_string()) co_return "input request '" + std::string(key) + "' names no method";
    const auto* p = r->if_contains("params");
    asks.push_back({std::string(key), std::string(m->get_string()),
                    p ? *p : json::value(json::object{}), Outcome{}});
  }
  auto ex = co_await asio::this_coro::executor;
  std::size_t open = asks.size();
  Wakeup all_in(ex);
  auto done = all_in.waker();
  for (auto& a : asks)
    asio::co_spawn(
        ex,
        [&ctx, &a, &open, done, &endpoint]() -> awaitable<void> {
          const auto timeout = answer_timeout(a.method, endpoint.timeout);
          try {
            a.reply = co_await ctx.request(a.method, a.params, timeout);
          } catch (const std::exception& e) {
            a.reply = Outcome::fail(jsonrpc::kInternalError, e.what());
          }
          if (--open == 0) done();
        },
        asio::detached);
  while (open) {
    const bool woken = co_await all_in.wait(std::chrono::seconds(1));
    (void)woken;
  }
  json::object responses;
  for (auto& a : asks) {
    if (a.reply.error)
      co_return "it needs " + a.method +
          " from the client, which failed: " + a.reply.error->message;
    responses[a.key] = std::move(a.reply.result);
  }
  params["inputResponses"] = std::move(responses);
  if (const auto* state = o->if_contains("requestState"))
    params["requestState"] = *state;
  else
    params.erase("requestState");
  co_return std::nullopt;
}

bool is_input_required(const std::string& result) {
  const auto type = jsonrpc::raw_member(result, "resultType");
  return type && *type == R"("input_required")";
}

// A modern upstream that needs input from the client: asks it, retries with the answers (a new
// request each time), until the result is complete or something fails.
awaitable<gateway::UpstreamResult> input_rounds(
    RequestContext& ctx, gateway::UpstreamSession& session, std::string_view method,
    json::object& params, gateway::UpstreamResult r,
    const gateway::UpstreamSession::OnMessage& on_message,
    const std::shared_ptr<gateway::Abort>& abort, json::value& upstream_id,
    const std::function<std::chrono::milliseconds()>& stream_wait,
    const gateway::RequestOptions& options) {
  using Kind = gateway::UpstreamError::Kind;
  for (int round = 0; r.ok() && is_input_required(r.result); ++round) {
    if (round == kMaxInputRounds) {
      r.failure = gateway::UpstreamError::of(
          Kind::protocol,
          "it asked for input " + std::to_string(kMaxInputRounds) + " times without finishing");
      break;
    }
    std::optional<std::string> why =
        co_await gather_input(ctx, session.endpoint(), r.result, params);
    if (why) {
      r.failure = gateway::UpstreamError::of(Kind::protocol, *why);
      break;
    }
    if (ctx.cancelled()) {
      r.failure = gateway::UpstreamError{.kind = Kind::cancelled};
      break;
    }
    std::string body = json::serialize(params);
    r = co_await session.request(method, std::move(body), on_message, abort, &upstream_id,
                                 stream_wait, &options);
  }
  co_return r;
}

}  // namespace

awaitable<Outcome> relay(RequestContext& ctx, gateway::Federation& federation,
                         const gateway::UpstreamBinding& binding, std::string_view method,
                         json::object params, const char* key_field, bool tool_call) {
  const gateway::UpstreamEndpoint& endpoint = *binding.endpoint;
  if (!federation.reachable(endpoint.gateway_id)) {
    const std::string last = federation.last_error(endpoint.gateway_id);
    co_return failure(tool_call, "Upstream server '" + endpoint.name + "' is unreachable" +
                                     (last.empty() ? std::string() : " (" + last + ")"));
  }
  if (key_field) params[key_field] = binding.original;
  if (ctx.modern()) strip_envelope(params);
  const bool own_session = ctx.session() == nullptr && !ctx.modern();
  std::shared_ptr<gateway::UpstreamSession> session =
      co_await session_for(ctx, federation, binding);
  auto ex = co_await asio::this_coro::executor;
  auto abort = std::make_shared<gateway::Abort>();
  ctx.on_cancel([abort] { abort->fire(); });

  // Server-to-client requests are answered in tasks of their own, so that the stream keeps
  // flowing; the call waits for them before it returns (they use ctx).
  std::size_t pending = 0;
  std::function<void()> all_answered;
  gateway::UpstreamSession::OnMessage on_message = [&](gateway::UpstreamMessage& m) {
    using Kind = jsonrpc::Message::Kind;
    if (m.message.kind == Kind::notification) {
      if (auto text = for_client(ctx.session(), endpoint.slug, m, &ctx))
        ctx.forward(std::move(*text));
      return;
    }
    if (m.message.kind != Kind::request) return;
    ++pending;
    asio::co_spawn(
        ex,
        [&, m = std::move(m)]() -> awaitable<void> {
          co_await answer_upstream_request(ctx, session, m);
          if (--pending == 0 && all_answered) all_answered();
        },
        asio::detached);
  };
  // While the client owes the upstream an answer, the upstream's stream is silent by design.
  std::function<std::chrono::milliseconds()> stream_wait = [&] {
    return pending ? endpoint.timeout + kClientAnswerTimeout : endpoint.timeout;
  };
  json::value upstream_id;
  const gateway::RequestOptions options = options_for(ctx, binding, params);
  std::string body = json::serialize(params);
  gateway::UpstreamResult r = co_await session->request(method, std::move(body), on_message, abort,
                                                        &upstream_id, stream_wait, &options);
  // Only the modern era has input_required (a legacy upstream asks on the call's stream).
  if (r.ok() && session->modern() && is_input_required(r.result))
    r = co_await input_rounds(ctx, *session, method, params, std::move(r), on_message, abort,
                              upstream_id, stream_wait, options);
  // The tasks use this frame: wait for every one (each is bounded by its own timeouts), after
  // every round's request.
  while (pending) {
    Wakeup done(ex);
    all_answered = done.waker();
    co_await done.wait(std::chrono::seconds(1));
    all_answered = nullptr;
  }
  const bool cancelled = r.failure && r.failure->kind == gateway::UpstreamError::Kind::cancelled;
  // A modern upstream heard it already: closing the request's stream is its cancellation.
  if (cancelled && !upstream_id.is_null() && !session->modern())
    co_await relay_cancel(ctx, *session, upstream_id);
  if (own_session) co_await session->close();
  if (cancelled) co_return Outcome::fail(jsonrpc::kInternalError, "cancelled");
  if (r.error) co_return Outcome::fail(std::move(*r.error));
  if (r.failure) {
    const std::string why = r.failure->text();
    federation.report_failure(endpoint.gateway_id);
    spdlog::info("request {}: {} on upstream {} failed: {}", ctx.log_id(), method, endpoint.name,
                 why);
    co_return failure(tool_call, "Upstream server '" + endpoint.name + "' failed: " + why);
  }
  co_return Outcome::ok_json(std::move(r.result));
}

}  // namespace mcpgw::mcp
