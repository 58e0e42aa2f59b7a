#include "transport/modern_endpoint.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "auth/route_guard.h"
#include "mcp/server.h"
#include "protocol/errors.h"
#include "protocol/header_value.h"
#include "protocol/message.h"
#include "protocol/names.h"
#include "protocol/versions.h"
#include "transport/memory_event_store.h"
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

Response mismatch(const std::string& message, const json::value& id) {
  return rpc_error(Status::bad_request, protocol::error::kHeaderMismatch,
                   "Header mismatch: " + message, id);
}

// Mcp-Method on every request, Mcp-Name on those about one item: present, and equal to what the
// body says (Mcp-Name decoded first). When the body names no item either, the method's own
// params check answers.
std::optional<Response> check_mirrors(const http::Request& req, const jsonrpc::Message& m) {
  const std::string method_header(protocol::header::kMethod);
  auto method = header(req, protocol::header::kMethod);
  if (!method) return mismatch("the " + method_header + " header is required", m.id);
  if (protocol::trim_ows(*method) != m.method)
    return mismatch(method_header + " header value '" + std::string(protocol::trim_ows(*method)) +
                        "' does not match body value '" + m.method + "'",
                    m.id);
  const std::string_view field = protocol::mirrored_name_field(m.method);
  if (field.empty()) return std::nullopt;
  const std::string name_header(protocol::header::kName);
  const json::value* body =
      m.params.is_object() ? m.params.get_object().if_contains(field) : nullptr;
  auto name = header(req, protocol::header::kName);
  if (!name) {
    if (!body) return std::nullopt;
    return mismatch("the " + name_header + " header is required for " + m.method, m.id);
  }
  const std::optional<std::string> decoded = protocol::decode_header_value(*name);
  if (!decoded) return mismatch("the " + name_header + " header value is malformed", m.id);
  if (!body || !body->is_string() || body->get_string() != *decoded)
    return mismatch(name_header + " header value '" + *decoded + "' does not match body value " +
                        (body ? json::serialize(*body) : "(none)"),
                    m.id);
  return std::nullopt;
}

// The request's Mcp-Param-* headers, as sent.
mcp::ParamHeaders param_headers(const http::Request& req) {
  mcp::ParamHeaders out;
  const std::string_view prefix = protocol::header::kParamPrefix;
  for (const auto& f : req) {
    const std::string_view name = f.name_string();
    if (name.size() > prefix.size() && boost::beast::iequals(name.substr(0, prefix.size()), prefix))
      out.emplace_back(std::string(name), std::string(f.value()));
  }
  return out;
}

}  // namespace

bool names_modern_revision(const http::Request& req) {
  auto v = header(req, protocol::header::kProtocolVersion);
  return v && protocol::is_modern_era(protocol::trim_ows(*v));
}

bool is_modern_post(const http::Request& req) {
  if (names_modern_revision(req)) return true;
  const std::string& body = req.body();
  // Cheap first: a legacy body almost never holds the envelope's key.
  if (body.find(protocol::meta::kProtocolVersion) == std::string::npos) return false;
  const jsonrpc::Parsed parsed = jsonrpc::parse(body);
  return !parsed.failure && !parsed.batch && parsed.messages.size() == 1 &&
         parsed.messages.front().kind == jsonrpc::Message::Kind::request &&
         mcp::has_envelope(parsed.messages.front().params);
}

// One admitted request, alive until its answer is written (or its client is gone).
struct ModernEndpoint::Job {
  const mcp::Server* server = nullptr;
  auth::Principal principal;
  mcp::Scope scope;
  std::string log_id;
  mcp::Envelope envelope;
  jsonrpc::Message message;
  std::shared_ptr<mcp::Cancellation> cancellation = std::make_shared<mcp::Cancellation>();
  std::unique_ptr<MemoryEventStore> store;  // this response's private store
  std::shared_ptr<Stream> stream;

  mcp::RequestContext context(mcp::Outbound* out) {
    return mcp::RequestContext({nullptr, &principal, scope, envelope.protocol_version, message.id,
                                log_id, out, nullptr, &envelope, cancellation});
  }
};

awaitable<Response> ModernEndpoint::post(http::Exchange& hc, const mcp::Scope& scope) {
  const auto& req = hc.request;
  if (!media_is(req[bhttp::field::content_type], "application/json"))
    co_return rpc_error(Status::unsupported_media_type, jsonrpc::kInvalidRequest,
                        "Unsupported Media Type: Content-Type must be application/json");
  const Accepts accepts = parse_accept(req[bhttp::field::accept]);
  if (!accepts.json && !accepts.sse)
    co_return rpc_error(Status::not_acceptable, jsonrpc::kInvalidRequest,
                        "Not Acceptable: Accept must list application/json or text/event-stream");
  jsonrpc::Parsed parsed = jsonrpc::parse(req.body());
  if (parsed.failure)
    co_return rpc_error(Status::bad_request, parsed.failure->code, parsed.failure->message,
                        parsed.failure_id);
  const std::string version(protocol::kModernVersions[0]);
  if (parsed.batch)
    co_return rpc_error(
        Status::bad_request, jsonrpc::kInvalidRequest,
        "Invalid Request: JSON-RPC batches are not part of protocol version " + version);
  if (!parsed.invalid.empty())
    co_return rpc_error(Status::bad_request, parsed.invalid.front().error,
                        parsed.invalid.front().id);
  jsonrpc::Message& m = parsed.messages.front();
  if (m.kind == jsonrpc::Message::Kind::notification) co_return Response{Status::accepted, 11};
  if (m.kind == jsonrpc::Message::Kind::response)
    co_return rpc_error(Status::bad_request, jsonrpc::kInvalidRequest,
                        "Invalid Request: clients of protocol version " + version +
                            " send no responses (input is asked for in results)");
  if (auto refused = check_mirrors(req, m)) co_return std::move(*refused);
  auto admitted = server_.admit(m, header(req, protocol::header::kProtocolVersion));
  if (const auto* refusal = std::get_if<mcp::Refusal>(&admitted))
    co_return rpc_error(static_cast<Status>(refusal->http_status), refusal->error, m.id);
  auto& ok = std::get<mcp::Server::Admitted>(admitted);
  ok.envelope.param_headers = param_headers(req);
  if (auto refused = server_.check_param_headers(scope, m, ok.envelope.param_headers))
    co_return rpc_error(static_cast<Status>(refused->http_status), refused->error, m.id);

  auto job = std::make_shared<Job>();
  job->server = &server_;
  job->principal = auth::principal_of(hc);
  job->scope = scope;
  job->log_id = hc.request_id;
  job->envelope = std::move(ok.envelope);
  job->message = std::move(m);
  // A listen stream is a stream or nothing, whatever transport.json_response says.
  const bool listen = job->message.method == protocol::method::kSubscriptionsListen;
  const bool use_sse =
      accepts.sse && (!accepts.json || listen || (ok.entry->streams && !transport_.json_response));
  if (use_sse) co_return co_await answer_sse(hc, std::move(job));
  mcp::RequestContext ctx = job->context(nullptr);
  mcp::Answer answer = co_await server_.modern(ctx, job->message);
  co_return http::json_text_response(Status::ok, std::move(answer.text));
}

awaitable<void> ModernEndpoint::run(std::shared_ptr<Job> job) {
  try {
    StreamOutbound out(job->stream);
    mcp::RequestContext ctx = job->context(&out);
    mcp::Answer answer = co_await job->server->modern(ctx, job->message);
    // Cancelled: the client no longer waits for an answer, and must get no more messages.
    if (!job->cancellation->cancelled()) job->stream->append(std::move(answer.text));
  } catch (const std::exception& e) {
    spdlog::error("request {}: processing failed: {}", job->log_id, e.what());
  }
  job->stream->finish();
}

awaitable<Response> ModernEndpoint::answer_sse(http::Exchange& hc, std::shared_ptr<Job> job) {
  job->store = std::make_unique<MemoryEventStore>(transport_.max_events_per_stream);
  job->stream = std::make_shared<Stream>("modern", 1, *job->store);
  auto ex = co_await asio::this_coro::executor;
  asio::co_spawn(ex, run(job), asio::detached);
  hc.streamer = [job,
                 keepalive = transport_.keepalive](http::ResponseStream& rs) -> awaitable<void> {
    const PumpOptions options{keepalive, false, nullptr};
    const std::optional<std::string> no_priming;  // streams are not resumable in this era
    const bool drained = co_await pump(rs, *job->stream, 0, no_priming, options);
    // The client closed the stream before its answer: that cancels the request.
    if (!drained) {
      spdlog::info("request {}: {} cancelled: the client closed its stream", job->log_id,
                   job->message.method);
      job->cancellation->cancel();
    }
  };
  co_return sse_response(nullptr);
}

}  // namespace mcpgw::transport
