#include "gateway/upstream_exchange.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <cstdint>

#include "common/json_parse.h"
#include "gateway/sse_parser.h"
#include "protocol/errors.h"
#include "protocol/raw.h"

namespace mcpgw::gateway {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

using Kind = UpstreamError::Kind;

std::string snippet(std::string_view body) {
  constexpr std::size_t kMax = 200;
  std::string s(body.substr(0, kMax));
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  if (body.size() > kMax) s += "...";
  return s;
}

// Why a reply that was neither a stream nor an error status did not answer: the wrong media type,
// a body that is not JSON-RPC, or JSON-RPC without the response to the request.
UpstreamError unanswered(const OutboundResponse& res) {
  const std::string_view type = res.content_type;
  if (!boost::beast::iequals(type.substr(0, type.find(';')), "application/json"))
    return UpstreamError::of(
        Kind::protocol, "the upstream answered with Content-Type " +
                            (type.empty() ? "(none)" : res.content_type) +
                            ", not application/json or text/event-stream: " + snippet(res.body));
  if (jsonrpc::parse(res.body).failure)
    return UpstreamError::of(Kind::protocol,
                             "the upstream's reply is not JSON-RPC: " + snippet(res.body));
  return UpstreamError::of(Kind::protocol, "the upstream's reply held no response to the request");
}

// One element of a batch, as text of its own.
std::string to_text(const jsonrpc::Message& m) {
  using K = jsonrpc::Message::Kind;
  if (m.kind == K::response)
    return json::serialize(m.error ? jsonrpc::error_response(m.id, *m.error)
                                   : jsonrpc::response(m.id, m.result));
  return message_text(m.kind == K::request ? m.id : json::value(nullptr), m.method,
                      m.params.is_null() ? std::string() : json::serialize(m.params));
}

// A modern era error (-32020, -32021, -32022) answered with id null (a server that could not
// read the id); nullopt for anything else.
std::optional<jsonrpc::Error> modern_refusal(std::string_view body) {
  boost::system::error_code ec;
  json::value v = parse_json(body, ec);
  const json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
  const json::value* id = o ? o->if_contains("id") : nullptr;
  const json::value* err = o ? o->if_contains("error") : nullptr;
  if (!id || !id->is_null() || !err || !err->is_object()) return std::nullopt;
  const auto& e = err->get_object();
  const auto* code = e.if_contains("code");
  if (!code || !code->is_int64()) return std::nullopt;
  const auto c = code->get_int64();
  if (c < INT32_MIN || c > INT32_MAX || !protocol::error::is_era_refusal(static_cast<int>(c)))
    return std::nullopt;
  jsonrpc::Error out{static_cast<int>(c), "", std::nullopt};
  if (const auto* m = e.if_contains("message"); m && m->is_string()) out.message = m->get_string();
  if (const auto* d = e.if_contains("data")) out.data = *d;
  return out;
}

}  // namespace

std::string message_text(const json::value& id, std::string_view method, std::string_view params) {
  std::string out = R"({"jsonrpc":"2.0",)";
  if (!id.is_null()) {
    out += R"("id":)";
    out += json::serialize(id);
    out += ',';
  }
  out += R"("method":)";
  out += json::serialize(json::string_view(method.data(), method.size()));
  if (!params.empty()) {
    out += R"(,"params":)";
    out += params;
  }
  out += '}';
  return out;
}

// The upstream's reply to one exchange, read as it comes (one JSON body, or SSE events): the
// response to the awaited request goes into the result, every other message to on_message, in
// the order they came.
struct UpstreamSession::ReplyReader {
  ReplyReader(const json::value& id, const OnMessage& on_message, const std::string& upstream)
      : id(id), on_message(on_message), upstream(upstream) {}

  // Bytes of an SSE stream; false once no more are wanted (the response is in, or an event
  // exceeded the size limit).
  bool feed(std::string_view bytes) {
    const bool ok = sse.feed(bytes, [this](SseEvent& e) {
      if (!e.data.empty() && !answered) deliver(e.data);
    });
    too_big = !ok;
    return ok && !answered;
  }

  // One JSON-RPC message or batch.
  void deliver(std::string_view text) {
    jsonrpc::Parsed p = jsonrpc::parse(text);
    if (p.failure) {
      spdlog::warn("upstream {}: unreadable message ignored: {}", upstream, p.failure->message);
      return;
    }
    for (auto& m : p.messages) {
      if (m.kind == jsonrpc::Message::Kind::response && !id.is_null() && m.id == id) {
        answered = true;
        if (m.error) {
          result.error = std::move(m.error);
        } else if (auto raw = p.batch ? std::nullopt : jsonrpc::raw_member(text, "result")) {
          result.result = std::string(*raw);
        } else {
          result.result = json::serialize(m.result);
        }
        continue;
      }
      std::string own = p.batch ? to_text(m) : std::string(text);
      UpstreamMessage um{std::move(m), std::move(own)};
      if (on_message) on_message(um);
    }
  }

  const json::value& id;  // the request whose response ends the exchange; null for none
  const OnMessage& on_message;
  const std::string& upstream;  // its name, for messages
  UpstreamResult result;
  SseParser sse;
  bool answered = false;  // the response is in
  bool too_big = false;   // an event exceeded the size limit
};

awaitable<UpstreamResult> UpstreamSession::exchange(Exchange& x) {
  OutboundRequest r = outbound(x);
  ReplyReader reader(x.id, x.on_message, endpoint_->name);
  r.on_stream = [&reader](std::string_view bytes) { return reader.feed(bytes); };
  const OutboundResponse res = co_await http_.send(r);
  reader.result.failure = failure_of(x, res, reader);
  co_return std::move(reader.result);
}

// The HTTP request that carries x: the headers its method needs, the session's, x's limits.
OutboundRequest UpstreamSession::outbound(Exchange& x) const {
  OutboundRequest r = base_request(x.http_method);
  if (x.http_method == "POST") {
    r.headers.emplace_back("Content-Type", "application/json");
    r.headers.emplace_back("Accept", "application/json, text/event-stream");
  } else if (x.http_method == "GET") {
    r.headers.emplace_back("Accept", "text/event-stream");
    if (!x.last_event_id.empty())
      r.headers.emplace_back(protocol::header::kLastEventId, x.last_event_id);
  }
  {
    std::lock_guard lock(mutex_);
    if (x.with_session && !session_id_.empty()) {
      x.sent_session = session_id_;
      r.headers.emplace_back(std::string(kSessionHeader), session_id_);
    }
    if (x.with_session && !protocol_version_.empty())
      r.headers.emplace_back(protocol::header::kProtocolVersion, protocol_version_);
  }
  for (auto& h : x.headers)
    r.headers.push_back(std::move(h));
  r.body = std::move(x.body);
  r.abort = x.abort;
  if (x.timeout) r.timeout = *x.timeout;
  r.retry_safe = x.retry_safe;
  r.stream_wait = x.stream_wait;
  r.keep_headers = {std::string(kSessionHeader)};
  return r;
}

// Why the exchange, now over, brought no response (nullopt: it did, or it awaited none). x learns
// what the upstream said of the session and the stream.
std::optional<UpstreamError> UpstreamSession::failure_of(Exchange& x, const OutboundResponse& res,
                                                         ReplyReader& reader) {
  x.status = res.status;
  for (const auto& [k, v] : res.headers)
    if (k == kSessionHeader) x.session_id = v;
  if (!reader.sse.last_event_id().empty()) x.last_event_id = reader.sse.last_event_id();
  if (reader.sse.retry_ms()) x.retry_ms = reader.sse.retry_ms();
  if (res.failure && res.failure->kind == Kind::cancelled) return res.failure;
  if (reader.answered) return std::nullopt;  // whatever happened to the stream after the response
  if (res.status == 0) return res.failure;
  // The specification says 404; real servers (the SDK examples among them) answer an unknown
  // session with 400. Either way the request is retried once, in a new session.
  if ((res.status == 404 || res.status == 400) && !x.sent_session.empty()) {
    x.session_lost = true;
  }
  // Outside a session a 4xx may carry the JSON-RPC error that answers the request (a modern
  // upstream answers unknown methods, header and version mismatches so): that is its answer.
  if (res.status / 100 == 4 && x.sent_session.empty() && !x.id.is_null() && !res.body.empty()) {
    if (!jsonrpc::parse(res.body).failure) {
      reader.deliver(res.body);
      if (reader.answered && reader.result.error) return std::nullopt;
      reader.answered = false;
      reader.result = UpstreamResult{};
    } else if (auto e = modern_refusal(res.body)) {
      reader.result.error = std::move(e);  // a modern error that could not name the id
      return std::nullopt;
    }
  }
  if (res.status / 100 != 2) {
    UpstreamError e{.kind = x.session_lost ? Kind::session_lost : Kind::http_status,
                    .http_status = res.status,
                    .detail = res.reason};
    if (!res.body.empty()) e.detail += ": " + snippet(res.body);
    return e;
  }
  if (reader.too_big)
    return UpstreamError::of(
        Kind::too_large,
        "an SSE event larger than " + std::to_string(reader.sse.max_event_bytes()) + " bytes");
  if (!res.streamed && !res.body.empty() && !x.id.is_null()) reader.deliver(res.body);
  if (reader.answered || x.id.is_null()) return std::nullopt;
  x.broke_off = res.streamed;  // a stream that ended or broke before the response
  if (res.streamed && res.failure) return res.failure;  // it broke
  if (res.streamed)
    return UpstreamError::of(Kind::protocol, "the upstream's stream ended without the response");
  return unanswered(res);
}

}  // namespace mcpgw::gateway
