#include "mcp/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "common/clock.h"
#include "mcp/modern_result.h"
#include "protocol/names.h"
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

std::variant<Server::Admitted, Refusal> Server::admit(
    const jsonrpc::Message& request, std::optional<std::string_view> header_version) const {
  auto read = read_envelope(request.params, header_version);
  if (auto* refused = std::get_if<Refusal>(&read)) return std::move(*refused);
  const HandlerEntry* entry = dispatcher_.find(request.method, kModern);
  if (!entry)
    return Refusal{404,
                   {jsonrpc::kMethodNotFound, "Method not found: " + request.method, std::nullopt}};
  return Admitted{std::move(std::get<Envelope>(read)), entry};
}

std::optional<Refusal> Server::check_param_headers(const Scope& scope,
                                                   const jsonrpc::Message& request,
                                                   const ParamHeaders& received) const {
  if (request.method != protocol::method::kToolsCall) return std::nullopt;
  const auto catalog = catalog_.current();
  return mcp::check_param_headers(*catalog, scope, request, received);
}

namespace {

// The methods that may answer input_required (2026-07-28 basic/patterns/mrtr).
bool may_ask(std::string_view m) {
  return m == protocol::method::kToolsCall || m == protocol::method::kPromptsGet ||
         m == protocol::method::kResourcesRead;
}

// A client that declared none of these can never be asked for input: its calls run inline.
bool can_answer(const Envelope& e) {
  for (std::string_view c : protocol::kClientRequestCapabilities)
    if (e.has_capability(c)) return true;
  return false;
}

// What a pending call needs of its first request, kept for as long as it runs.
struct CallTask {
  auth::Principal principal;
  Scope scope;
  Envelope envelope;
  jsonrpc::Message request;
  std::string log_id;
  std::shared_ptr<PendingCall> call;
};

}  // namespace

PendingCalls::State Server::state_of(const RequestContext& ctx,
                                     const jsonrpc::Message& request) const {
  PendingCalls::State s;
  s.subject = ctx.principal().subject;
  s.server = ctx.scope().server.value_or("");
  s.method = request.method;
  const std::string_view field = protocol::mirrored_name_field(request.method);
  const auto* item = request.params.is_object() && !field.empty()
                         ? request.params.get_object().if_contains(field)
                         : nullptr;
  if (item && item->is_string()) s.item = std::string(item->get_string());
  return s;
}

boost::asio::awaitable<Outcome> Server::run_pending(RequestContext& ctx,
                                                    const jsonrpc::Message& request) const {
  const json::object& params = request.params.get_object();
  const PendingCalls::State expected = state_of(ctx, request);
  std::shared_ptr<PendingCall> call;
  if (const auto* state = params.if_contains("requestState")) {
    if (!state->is_string())
      co_return Outcome::fail(jsonrpc::kInvalidParams,
                              "Invalid params: requestState must be a string");
    auto found = pending_.find(state->get_string(), expected, unix_ms());
    if (!found.call)
      co_return Outcome::fail(jsonrpc::kInvalidParams, "Invalid params: " + found.refusal);
    call = std::move(found.call);
    if (const auto* responses = params.if_contains("inputResponses");
        responses && responses->is_object())
      call->answer(responses->get_object());
  } else {
    call = pending_.start();
    auto task = std::make_shared<CallTask>(
        CallTask{ctx.principal(), ctx.scope(), *ctx.envelope(), request, ctx.log_id(), call});
    auto ex = co_await boost::asio::this_coro::executor;
    boost::asio::co_spawn(
        ex,
        [this, task]() -> boost::asio::awaitable<void> {
          RequestContext run_ctx({nullptr, &task->principal, task->scope,
                                  task->envelope.protocol_version, task->request.id, task->log_id,
                                  task->call.get(), nullptr, &task->envelope,
                                  task->call->cancellation_ptr(), task->call.get()});
          Outcome out = co_await dispatcher_.run(run_ctx, task->request);
          task->call->finish(std::move(out));
        },
        boost::asio::detached);
  }
  // The client closing this request's stream cancels the call.
  ctx.on_cancel([call] { call->cancellation().cancel(); });
  PendingCall::Next next = co_await call->next(ctx.outbound());
  if (next.outcome) {
    pending_.drop(call->id());
    co_return std::move(*next.outcome);
  }
  PendingCalls::State state = expected;
  state.call_id = call->id();
  state.expires_ms = unix_ms() + pending_.ttl().count();
  co_return Outcome::ok(json::object{{"resultType", "input_required"},
                                     {"inputRequests", std::move(next.input_requests)},
                                     {"requestState", pending_.seal(state)}});
}

boost::asio::awaitable<Answer> Server::modern(RequestContext& ctx,
                                              const jsonrpc::Message& request) const {
  const bool pending = may_ask(request.method) && request.params.is_object() && ctx.envelope() &&
                       can_answer(*ctx.envelope());
  // Not a co_await inside a conditional expression (GCC 12, common/offload.h).
  Outcome out;
  if (pending)
    out = co_await run_pending(ctx, request);
  else
    out = co_await dispatcher_.run(ctx, request);
  complete_modern(out, request.method, identity_);
  co_return Dispatcher::answer(request.id, std::move(out));
}

}  // namespace mcpgw::mcp
