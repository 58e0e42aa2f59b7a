#include "transport/endpoint.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "auth/route_guard.h"
#include "common/offload.h"
#include "http/server.h"
#include "mcp/server.h"
#include "protocol/errors.h"
#include "protocol/message.h"
#include "protocol/names.h"
#include "protocol/versions.h"
#include "transport/memory_event_store.h"
#include "transport/modern_endpoint.h"
#include "transport/resume.h"
#include "transport/session_manager.h"
#include "transport/stream_pump.h"
#include "transport/wire.h"

namespace mcpgw::transport {
namespace asio = boost::asio;
namespace json = boost::json;
namespace bhttp = boost::beast::http;
using asio::awaitable;
using http::Response;
using http::Status;

namespace {

// GET and DELETE in stateless mode: there are no sessions and no standalone stream.
Response stateless_refusal(std::string_view what) {
  auto res = rpc_error(Status::method_not_allowed, protocol::error::kServerError,
                       "Method Not Allowed: this server is stateless; there " + std::string(what));
  res.set(bhttp::field::allow, "POST");
  return res;
}

Response too_many_sessions() {
  auto res = rpc_error(Status::service_unavailable, protocol::error::kServerError,
                       "Service Unavailable: too many sessions; retry later");
  res.set(bhttp::field::retry_after, "5");
  return res;
}

Response session_required() {
  static const std::string message =
      "Bad Request: " + std::string(protocol::header::kSessionId) + " header is required";
  return rpc_error(Status::bad_request, protocol::error::kServerError, message);
}

// Ids mcpgw hands out: 32 lower-case hex characters. Anything else is unknown without a lookup
// (so that sprayed garbage costs no database read).
bool plausible_session_id(std::string_view id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Everything the processing of one POST needs after the HTTP exchange has moved on: it runs to
// completion even if the client goes away, so that its events can be resumed.
struct PostJob {
  std::unique_ptr<MemoryEventStore> own_store;  // stateless: this response's private store
  std::shared_ptr<Session> session;             // null when stateless
  std::shared_ptr<Stream> stream;
  auth::Principal principal;
  mcp::Scope scope;
  std::string version;
  std::string log_id;
  std::vector<jsonrpc::Message> requests;
  std::vector<jsonrpc::Parsed::Invalid> invalid;
  std::vector<std::pair<std::string, std::string>> forward;  // (node, answer) for other nodes
  // Both the processing and the response are done with it (Stream::pin).
  ~PostJob() {
    if (stream) stream->unpin();
  }
};

class Endpoint : public std::enable_shared_from_this<Endpoint> {
 public:
  Endpoint(EndpointOptions options, SessionManager& sessions, const mcp::Server& server,
           asio::thread_pool& blocking)
      : o_(std::move(options)),
        sessions_(sessions),
        server_(server),
        blocking_(blocking),
        modern_(std::make_shared<ModernEndpoint>(o_.transport, server)) {}

  awaitable<Response> post(http::Exchange& hc);
  awaitable<Response> get(http::Exchange& hc);
  awaitable<Response> del(http::Exchange& hc);

 private:
  struct Checked {
    mcp::Scope scope;
    std::shared_ptr<Session> session;  // when the request named one and it exists
    bool named_session = false;
    std::optional<Response> error;
  };
  // Origin/Host, the virtual server, the protocol version header and the session, in that
  // order; an unknown session is 404 before any check of the body.
  awaitable<Checked> check(http::Exchange& hc);
  // The first two, which both eras make.
  Checked check_access(http::Exchange& hc) const;
  // The other two, legacy only: c (what check_access found) completed.
  awaitable<Checked> check_legacy(http::Exchange& hc, Checked& c);
  awaitable<std::shared_ptr<Session>> lookup(const std::string& id);
  awaitable<Response> initialize(http::Exchange& hc, const Checked& c, Accepts accepts,
                                 const jsonrpc::Message& m);
  void take_messages(PostJob& job, jsonrpc::Parsed& parsed, const std::string& log_id);
  awaitable<Response> answer_json(PostJob& job, bool batch);
  awaitable<Response> answer_sse(http::Exchange& hc, std::shared_ptr<PostJob> job);
  using Emit = std::function<void(std::string text, bool cancelled)>;
  awaitable<void> answer_all(PostJob& job, mcp::Outbound* out, const Emit& emit);
  awaitable<void> run(std::shared_ptr<PostJob> job);
  // Arguments by reference: the streamer lambdas that call this own them.
  awaitable<void> pump(http::ResponseStream& rs, const std::shared_ptr<Stream>& stream,
                       const std::shared_ptr<Session>& session, std::uint64_t after,
                       const std::optional<std::string>& priming_id);
  // GET and DELETE naming a modern revision: 405, as 2026-07-28 has neither.
  static std::optional<Response> modern_refusal(const http::Exchange& hc);
  mcp::RequestContext context(const PostJob& job, const jsonrpc::Message& m, mcp::Outbound* out,
                              std::shared_ptr<std::atomic<bool>> cancelled) const;

  const EndpointOptions o_;
  SessionManager& sessions_;
  const mcp::Server& server_;
  asio::thread_pool& blocking_;
  const std::shared_ptr<ModernEndpoint> modern_;
};

awaitable<std::shared_ptr<Session>> Endpoint::lookup(const std::string& id) {
  if (auto s = sessions_.find(id)) co_return s;
  if (!sessions_.has_registry()) co_return nullptr;
  co_return co_await offload(blocking_, [this, &id] { return sessions_.restore(id); });
}

awaitable<Endpoint::Checked> Endpoint::check(http::Exchange& hc) {
  Checked c = check_access(hc);
  if (c.error) co_return c;
  co_return co_await check_legacy(hc, c);
}

Endpoint::Checked Endpoint::check_access(http::Exchange& hc) const {
  Checked c;
  const auto& req = hc.request;
  if (auto origin = header(req, protocol::header::kOrigin)) {
    const auto& allowed = o_.transport.allowed_origins;
    const bool ok = allowed.empty()
                        ? is_local_origin(*origin)
                        : std::find(allowed.begin(), allowed.end(), *origin) != allowed.end();
    if (!ok) {
      c.error = rpc_error(Status::forbidden, protocol::error::kServerError,
                          "Forbidden: Origin not allowed");
      return c;
    }
  }
  if (o_.loopback_bind && !is_local_host(req[bhttp::field::host])) {
    c.error = rpc_error(Status::forbidden, protocol::error::kServerError,
                        "Forbidden: Host not allowed for a loopback server");
    return c;
  }
  const auth::Principal& p = auth::principal_of(hc);
  mcp::ScopeCheck scope = server_.check_scope(p, hc.params.get("id"));
  if (scope.refusal != mcp::ScopeCheck::Refusal::none) {
    const bool unknown = scope.refusal == mcp::ScopeCheck::Refusal::unknown_server;
    c.error = rpc_error(unknown ? Status::not_found : Status::forbidden,
                        protocol::error::kServerError, scope.message);
    return c;
  }
  c.scope = std::move(scope.scope);
  return c;
}

awaitable<Endpoint::Checked> Endpoint::check_legacy(http::Exchange& hc, Checked& c) {
  const auto& req = hc.request;
  const auth::Principal& p = auth::principal_of(hc);
  if (auto v = header(req, protocol::header::kProtocolVersion);
      v && !protocol::is_supported_version(*v)) {
    c.error =
        rpc_error(Status::bad_request, protocol::error::kServerError,
                  "Bad Request: unsupported " + std::string(protocol::header::kProtocolVersion) +
                      " '" + std::string(*v) + "'");
    co_return std::move(c);
  }
  if (!o_.transport.stateful) co_return std::move(c);
  if (auto sid = header(req, protocol::header::kSessionId)) {
    c.named_session = true;
    const std::string id(*sid);
    std::shared_ptr<Session> s;
    if (plausible_session_id(id)) s = co_await lookup(id);
    // Another principal's session, or one opened on another endpoint, is "not found" too: a 403
    // would confirm that it exists.
    if (!s || s->closed() || s->subject() != p.subject || s->scope().server != c.scope.server) {
      c.error =
          rpc_error(Status::not_found, protocol::error::kSessionNotFound, "Session not found");
      co_return std::move(c);
    }
    c.session = std::move(s);
    sessions_.touch(*c.session);
  }
  co_return std::move(c);
}

mcp::RequestContext Endpoint::context(const PostJob& job, const jsonrpc::Message& m,
                                      mcp::Outbound* out,
                                      std::shared_ptr<std::atomic<bool>> cancelled) const {
  return mcp::RequestContext({job.session ? &job.session->state() : nullptr, &job.principal,
                              job.scope, job.version, m.id, job.log_id, out, std::move(cancelled)});
}

// Answers the job's requests in order, then its invalid messages. Each answer goes to emit, with
// whether the client cancelled its request meanwhile.
awaitable<void> Endpoint::answer_all(PostJob& job, mcp::Outbound* out, const Emit& emit) {
  for (const auto& m : job.requests) {
    std::shared_ptr<std::atomic<bool>> cancelled;
    if (job.session) cancelled = job.session->state().begin_request(m.id);
    auto ctx = context(job, m, out, cancelled);
    mcp::Answer answer = co_await server_.dispatcher().handle(ctx, m);
    if (job.session) job.session->state().end_request(m.id);
    emit(std::move(answer.text), cancelled && cancelled->load());
  }
  for (const auto& bad : job.invalid)
    emit(json::serialize(jsonrpc::error_response(bad.id, bad.error)), false);
}

awaitable<void> Endpoint::run(std::shared_ptr<PostJob> job) {
  try {
    StreamOutbound out(job->stream);
    // A cancelled request gets no response (the client no longer waits for one).
    const Emit emit = [&job](std::string text, bool cancelled) {
      if (!cancelled) job->stream->append(std::move(text));
    };
    co_await answer_all(*job, &out, emit);
  } catch (const std::exception& e) {
    spdlog::error("request {}: processing failed: {}", job->log_id, e.what());
  }
  job->stream->finish();
}

awaitable<void> Endpoint::pump(http::ResponseStream& rs, const std::shared_ptr<Stream>& stream,
                               const std::shared_ptr<Session>& session, std::uint64_t after,
                               const std::optional<std::string>& priming_id) {
  PumpOptions options{o_.transport.keepalive, session != nullptr, nullptr};
  if (session) options.on_write = [this, &session] { sessions_.touch(*session); };
  co_await transport::pump(rs, *stream, after, priming_id, options);
}

awaitable<Response> Endpoint::post(http::Exchange& hc) {
  const auto& req = hc.request;
  Checked access = check_access(hc);
  if (access.error) co_return std::move(*access.error);
  // Chosen per request by its shape; a modern request ignores Mcp-Session-Id.
  if (is_modern_post(req)) co_return co_await modern_->post(hc, access.scope);
  auto c = co_await check_legacy(hc, access);
  if (c.error) co_return std::move(*c.error);
  if (!media_is(req[bhttp::field::content_type], "application/json"))
    co_return rpc_error(Status::unsupported_media_type, protocol::error::kServerError,
                        "Unsupported Media Type: Content-Type must be application/json");
  const Accepts accepts = parse_accept(req[bhttp::field::accept]);
  if (!accepts.json && !accepts.sse)
    co_return rpc_error(Status::not_acceptable, protocol::error::kServerError,
                        "Not Acceptable: Accept must list application/json or text/event-stream");

  jsonrpc::Parsed parsed = jsonrpc::parse(req.body());
  if (parsed.failure)
    co_return rpc_error(Status::bad_request, parsed.failure->code, parsed.failure->message,
                        parsed.failure_id);
  const auto is_init = [](const jsonrpc::Message& m) {
    return m.kind == jsonrpc::Message::Kind::request && m.method == protocol::method::kInitialize;
  };
  const bool has_init = std::any_of(parsed.messages.begin(), parsed.messages.end(), is_init);
  if (has_init && parsed.batch)
    co_return rpc_error(Status::bad_request, jsonrpc::kInvalidRequest,
                        "Invalid Request: initialize must not be part of a batch");
  // Not a batch: initialize is the body's one message.
  if (has_init) co_return co_await initialize(hc, c, accepts, parsed.messages.front());

  auto job = std::make_shared<PostJob>();
  job->principal = auth::principal_of(hc);
  job->scope = c.scope;
  job->log_id = hc.request_id;
  if (o_.transport.stateful) {
    if (!c.session) co_return session_required();
    job->session = c.session;
    job->version = c.session->state().protocol_version();
  } else {
    auto v = header(req, protocol::header::kProtocolVersion);
    job->version = v ? std::string(*v) : std::string(protocol::kDefaultVersion);
  }
  if (parsed.batch && !protocol::allows_batches(job->version))
    co_return rpc_error(
        Status::bad_request, jsonrpc::kInvalidRequest,
        "Invalid Request: JSON-RPC batches are not part of protocol version " + job->version);

  take_messages(*job, parsed, hc.request_id);
  if (!job->forward.empty())
    co_await offload(blocking_, [this, &job] {
      for (auto& [node, text] : job->forward)
        sessions_.peers()->send(node, job->session->id(), std::move(text));
    });
  if (job->requests.empty() && job->invalid.empty()) {
    Response res{Status::accepted, 11};
    co_return res;
  }
  // JSON when the client takes only JSON, or when nothing but the result can come (no handler
  // that streams) and it accepts JSON, or when configured so. Otherwise an SSE stream.
  const auto& dispatcher = server_.dispatcher();
  const bool streams = std::any_of(job->requests.begin(), job->requests.end(), [&](const auto& m) {
    const auto* e = dispatcher.find(m.method);
    return e && e->streams;
  });
  const bool use_sse = accepts.sse && (!accepts.json || (streams && !o_.transport.json_response));
  if (!use_sse) co_return co_await answer_json(*job, parsed.batch);
  co_return co_await answer_sse(hc, std::move(job));
}

// initialize is answered at once: the session exists only if it succeeds.
awaitable<Response> Endpoint::initialize(http::Exchange& hc, const Checked& c, Accepts accepts,
                                         const jsonrpc::Message& m) {
  if (c.named_session)
    co_return rpc_error(Status::bad_request, jsonrpc::kInvalidRequest,
                        "Invalid Request: this session is already initialized");
  if (o_.transport.stateful && sessions_.full()) co_return too_many_sessions();
  const auth::Principal& principal = auth::principal_of(hc);
  // Named, not a temporary inside the co_await (GCC 12, common/offload.h).
  mcp::RequestContext::Init request{nullptr, &principal,    c.scope, {},
                                    m.id,    hc.request_id, nullptr, nullptr};
  mcp::Server::Initialized init = co_await server_.initialize(request, m);
  std::shared_ptr<Session> session;
  if (init.session && o_.transport.stateful) {
    session = sessions_.make(principal.subject, c.scope, std::move(init.session));
    if (!sessions_.add(session)) co_return too_many_sessions();
    // Durable before the client learns its id: its next request may reach another node.
    if (sessions_.has_registry())
      co_await offload(blocking_, [this] { sessions_.flush_registry(); });
  }
  const std::string* sid = session ? &session->id() : nullptr;
  if (accepts.json) {
    auto res = http::json_text_response(Status::ok, std::move(init.answer.text));
    if (sid) res.set(protocol::header::kSessionId, *sid);
    co_return res;
  }
  auto res = sse_response(sid);
  const std::string event = sse_event("", init.answer.text);
  hc.streamer = [event](http::ResponseStream& rs) -> awaitable<void> { co_await rs.write(event); };
  co_return res;
}

// Notifications and responses are taken in order; requests are kept to be answered.
void Endpoint::take_messages(PostJob& job, jsonrpc::Parsed& parsed, const std::string& log_id) {
  const auto& dispatcher = server_.dispatcher();
  for (auto& m : parsed.messages) {
    switch (m.kind) {
      case jsonrpc::Message::Kind::request:
        job.requests.push_back(std::move(m));
        break;
      case jsonrpc::Message::Kind::notification: {
        auto ctx = context(job, m, nullptr, nullptr);
        dispatcher.notify(ctx, m);
        break;
      }
      case jsonrpc::Message::Kind::response:
        if (job.session && job.session->state().deliver_reply(m)) break;
        if (auto* peers = sessions_.peers(); peers && job.session && m.id.is_string()) {
          // An answer to a request another node of the database sent: handed to it.
          if (auto node = node_of_request_id(m.id.get_string());
              node && *node != peers->node_id()) {
            job.forward.emplace_back(
                *node, json::serialize(m.error ? jsonrpc::error_response(m.id, *m.error)
                                               : jsonrpc::response(m.id, m.result)));
            break;
          }
        }
        spdlog::debug("request {}: response to unknown id {} ignored", log_id,
                      json::serialize(m.id));
        break;
    }
  }
  job.invalid = std::move(parsed.invalid);
}

awaitable<Response> Endpoint::answer_json(PostJob& job, bool batch) {
  std::string body;
  const Emit emit = [&body](std::string text, bool) {
    body += body.empty() ? "" : ",";
    body += text;
  };
  co_await answer_all(job, nullptr, emit);
  if (batch) body = "[" + body + "]";
  co_return http::json_text_response(Status::ok, std::move(body));
}

awaitable<Response> Endpoint::answer_sse(http::Exchange& hc, std::shared_ptr<PostJob> job) {
  if (job->session) {
    std::vector<std::string> ids;  // recorded only where nodes share the store
    if (job->session->store().shared())
      for (const auto& m : job->requests)
        ids.push_back(json::serialize(m.id));
    job->stream = job->session->open_post_stream(ids);
  } else {
    job->own_store = std::make_unique<MemoryEventStore>(o_.transport.max_events_per_stream);
    job->stream = std::make_shared<Stream>("stateless", 1, *job->own_store);
  }
  auto ex = co_await asio::this_coro::executor;
  asio::co_spawn(ex, run(job), asio::detached);
  std::optional<std::string> priming;
  if (job->session && protocol::wants_priming_event(job->version))
    priming = event_id(job->session->id(), job->stream->number(), 0);
  hc.streamer = [self = shared_from_this(), job,
                 priming](http::ResponseStream& rs) -> awaitable<void> {
    co_await self->pump(rs, job->stream, job->session, 0, priming);
  };
  co_return sse_response(nullptr);
}

std::optional<Response> Endpoint::modern_refusal(const http::Exchange& hc) {
  if (!names_modern_revision(hc.request)) return std::nullopt;
  auto res = rpc_error(Status::method_not_allowed, jsonrpc::kInvalidRequest,
                       "Method Not Allowed: protocol version " +
                           std::string(protocol::kModernVersions[0]) +
                           " has no GET stream and no sessions; POST subscriptions/listen");
  res.set(bhttp::field::allow, "POST");
  return res;
}

awaitable<Response> Endpoint::get(http::Exchange& hc) {
  if (auto refused = modern_refusal(hc)) co_return std::move(*refused);
  if (!o_.transport.stateful) co_return stateless_refusal("is no GET stream");
  auto c = co_await check(hc);
  if (c.error) co_return std::move(*c.error);
  if (!parse_accept(hc.request[bhttp::field::accept]).sse)
    co_return rpc_error(Status::not_acceptable, protocol::error::kServerError,
                        "Not Acceptable: Accept must list text/event-stream");
  if (!c.session) co_return session_required();
  auto session = c.session;
  const std::string& version = session->state().protocol_version();
  const auto last = header(hc.request, protocol::header::kLastEventId);
  // With a shared store this reads the database (the stream's events from other nodes); not
  // a co_await inside a conditional expression (GCC 12, common/offload.h).
  Resume r;
  if (session->store().shared())
    r = co_await offload(blocking_, [&] { return resolve_resume(*session, last); });
  else
    r = resolve_resume(*session, last);
  // A finished stream with nothing left to replay: 405 tells the client to stop polling.
  if (r.ended) {
    auto res = rpc_error(Status::method_not_allowed, protocol::error::kServerError,
                         "Method Not Allowed: that stream has ended and nothing is left to replay");
    res.set(bhttp::field::allow, "GET, POST, DELETE");
    co_return res;
  }
  std::optional<std::string> priming;
  if (r.fresh && protocol::wants_priming_event(version))
    priming = event_id(session->id(), 0, r.after);
  hc.streamer = [self = shared_from_this(), r = std::move(r), session,
                 priming](http::ResponseStream& rs) -> awaitable<void> {
    if (!r.notice.empty() && !co_await rs.write(r.notice)) co_return;
    co_await self->pump(rs, r.stream, session, r.after, priming);
  };
  co_return sse_response(&session->id());
}

awaitable<Response> Endpoint::del(http::Exchange& hc) {
  if (auto refused = modern_refusal(hc)) co_return std::move(*refused);
  if (!o_.transport.stateful) co_return stateless_refusal("are no sessions");
  auto c = co_await check(hc);
  if (c.error) co_return std::move(*c.error);
  if (!c.session) co_return session_required();
  sessions_.remove(c.session->id());
  if (auto* peers = sessions_.peers())
    co_await offload(blocking_, [peers, &c] { peers->session_ended(c.session->id()); });
  Response res{Status::no_content, 11};
  co_return res;
}

}  // namespace

void register_mcp_routes(http::HttpServer& server, EndpointOptions options,
                         SessionManager& sessions, const mcp::Server& mcp_server,
                         asio::thread_pool& blocking) {
  auto ep = std::make_shared<Endpoint>(std::move(options), sessions, mcp_server, blocking);
  const auto access = mcp_access();
  for (std::string_view path : {"/mcp", "/servers/{id}/mcp"}) {
    server.route("POST", path, access, [ep](http::Exchange& hc) -> awaitable<Response> {
      co_return co_await ep->post(hc);
    });
    server.route("GET", path, access, [ep](http::Exchange& hc) -> awaitable<Response> {
      co_return co_await ep->get(hc);
    });
    server.route("DELETE", path, access, [ep](http::Exchange& hc) -> awaitable<Response> {
      co_return co_await ep->del(hc);
    });
  }
}

}  // namespace mcpgw::transport
