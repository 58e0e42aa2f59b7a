// UpstreamSession, the modern era (2026-07-28): settling the era (the server/discover probe,
// versioning.mdx's fallback to initialize), the envelope each request carries, the health check.
#include <spdlog/spdlog.h>

#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "common/json_parse.h"
#include "common/wakeup.h"
#include "gateway/upstream_exchange.h"
#include "gateway/upstream_session.h"
#include "protocol/errors.h"
#include "protocol/names.h"
#include "protocol/versions.h"

namespace mcpgw::gateway {
namespace json = boost::json;
using boost::asio::awaitable;
using Kind = UpstreamError::Kind;

// The era is settled by the endpoint's last discovery when there was one, else by the probe.
awaitable<UpstreamResult> UpstreamSession::connect() {
  bool doubted = false;
  {
    std::lock_guard lock(mutex_);
    std::swap(doubted, era_doubted_);
  }
  const std::string known = doubted ? std::string() : endpoint_->protocol_version;
  if (protocol::is_modern_version(known)) {
    std::lock_guard lock(mutex_);
    modern_ = true;
    protocol_version_ = known;
    co_return UpstreamResult{};
  }
  if (known.empty()) {
    bool fallback = false;
    UpstreamResult r = co_await probe(fallback);
    if (!fallback) co_return r;
  }
  UpstreamResult r = co_await initialize();
  co_return r;
}

namespace {

// The modern revision mcpgw and the upstream share, from the versions the upstream named; ""
// when none.
std::string shared_modern_version(const json::value* versions) {
  if (!versions || !versions->is_array()) return {};
  for (std::string_view mine : protocol::kModernVersions)
    for (const auto& v : versions->get_array())
      if (v.is_string() && v.get_string() == mine) return std::string(mine);
  return {};
}

bool names_legacy_version(const json::value* versions) {
  if (!versions || !versions->is_array()) return false;
  for (const auto& v : versions->get_array())
    if (v.is_string() && protocol::is_supported_version(v.get_string())) return true;
  return false;
}

}  // namespace

awaitable<UpstreamResult> UpstreamSession::probe(bool& fallback) {
  const std::string version(protocol::kModernVersions[0]);
  json::object meta{{protocol::meta::kProtocolVersion, version},
                    {protocol::meta::kClientCapabilities, identity_.capabilities},
                    {protocol::meta::kClientInfo, identity_.client_info}};
  Exchange x;
  x.id = 0;
  x.body = message_text(x.id, protocol::method::kServerDiscover,
                        json::serialize(json::object{{"_meta", std::move(meta)}}));
  x.with_session = false;
  x.retry_safe = true;
  x.headers = {
      {std::string(protocol::header::kProtocolVersion), version},
      {std::string(protocol::header::kMethod), std::string(protocol::method::kServerDiscover)}};
  UpstreamResult r = co_await exchange(x);
  using Code = int;
  if (r.error) {
    const Code code = r.error->code;
    const json::object* data =
        r.error->data && r.error->data->is_object() ? &r.error->data->get_object() : nullptr;
    const json::value* supported = data ? data->if_contains("supported") : nullptr;
    // A modern server that serves none of mcpgw's modern revisions: initialize, when it named a
    // legacy one mcpgw speaks.
    if (code == protocol::error::kUnsupportedProtocolVersion && !names_legacy_version(supported)) {
      r.failure = UpstreamError::of(
          Kind::protocol, "the upstream speaks only protocol versions " +
                              (supported ? json::serialize(*supported) : std::string("(none)")) +
                              ", none of which mcpgw speaks");
      co_return r;
    }
    if (code == protocol::error::kHeaderMismatch ||
        code == protocol::error::kMissingRequiredClientCapability) {
      r.failure = UpstreamError{
          .kind = Kind::rejected, .detail = r.error->message, .context = "server/discover failed"};
      co_return r;
    }
    fallback = true;  // any other error: a legacy server (-32601 among them)
    co_return r;
  }
  if (r.failure) {
    // An answer that is not a modern one (a status without a modern error body): legacy. No
    // answer at all (unreachable, timed out): that is the outcome.
    fallback = r.failure->kind == Kind::http_status || r.failure->kind == Kind::protocol;
    co_return r;
  }
  boost::system::error_code ec;
  json::value v = parse_json(r.result, ec);
  const json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
  const std::string shared =
      shared_modern_version(o ? o->if_contains("supportedVersions") : nullptr);
  if (shared.empty()) {
    fallback = true;  // no modern revision in common (or no DiscoverResult): initialize
    co_return r;
  }
  std::lock_guard lock(mutex_);
  modern_ = true;
  protocol_version_ = shared;
  if (auto c = o->if_contains("capabilities"); c && c->is_object())
    server_capabilities_ = c->get_object();
  // serverInfo: in the result, or (as every modern result carries it) in its _meta.
  const json::value* info = o->if_contains("serverInfo");
  if (const auto* meta = o->if_contains("_meta"); !info && meta && meta->is_object())
    info = meta->get_object().if_contains(protocol::meta::kServerInfo);
  if (info && info->is_object()) server_info_ = info->get_object();
  co_return r;
}

void UpstreamSession::doubt_era() {
  std::lock_guard lock(mutex_);
  era_doubted_ = true;
  if (state_ == State::ready) state_ = State::fresh;
  modern_ = false;
}

std::optional<UpstreamError> hop_refusal(const jsonrpc::Error& e) {
  if (e.code != protocol::error::kHeaderMismatch &&
      e.code != protocol::error::kUnsupportedProtocolVersion)
    return std::nullopt;
  std::string detail = "it refused the request (" + std::to_string(e.code) + " " + e.message;
  if (e.data && !e.data->is_null()) detail += ", " + json::serialize(*e.data);
  detail += ")";
  return UpstreamError::of(Kind::rejected, std::move(detail));
}

bool UpstreamSession::refused_hop(UpstreamResult& r, std::string_view method, bool may_retry) {
  std::optional<UpstreamError> hop = r.error ? hop_refusal(*r.error) : std::nullopt;
  if (!hop) return false;
  if (r.error->code == protocol::error::kUnsupportedProtocolVersion && may_retry) {
    // Refused before it was served: trying again in the era the probe settles is harmless.
    spdlog::info("upstream {}: {} refused with {} ({}); settling the era again", endpoint_->name,
                 method, r.error->code, r.error->message);
    doubt_era();
    return true;
  }
  r.failure = std::move(hop);
  r.error.reset();
  return false;
}

std::string UpstreamSession::with_envelope(std::string_view method, std::string_view params,
                                           const RequestOptions* options, std::string& name) const {
  json::object p;
  if (!params.empty()) {
    boost::system::error_code ec;
    json::value v = parse_json(params, ec);
    if (!ec && v.is_object()) p = std::move(v.get_object());
  }
  json::value& meta_value = p["_meta"];
  if (!meta_value.is_object()) meta_value = json::object{};
  json::object& meta = meta_value.get_object();
  {
    std::lock_guard lock(mutex_);
    meta[protocol::meta::kProtocolVersion] = protocol_version_;
  }
  meta[protocol::meta::kClientCapabilities] = identity_.capabilities;
  meta[protocol::meta::kClientInfo] = identity_.client_info;
  if (options && !options->log_level.empty()) meta[protocol::meta::kLogLevel] = options->log_level;
  if (const std::string_view field = protocol::mirrored_name_field(method); !field.empty())
    if (const auto* n = p.if_contains(field); n && n->is_string()) name = n->get_string();
  return json::serialize(p);
}

awaitable<UpstreamResult> UpstreamSession::ping() {
  std::optional<UpstreamError> why = co_await ensure_initialized();
  if (why) {
    UpstreamResult r;
    r.failure = std::move(why);
    co_return r;
  }
  const std::string_view method =
      modern() ? protocol::method::kServerDiscover : protocol::method::kPing;
  UpstreamResult r = co_await request(method, "", nullptr);
  co_return r;
}

UpstreamResult UpstreamSession::change_subscription(std::string_view method,
                                                    std::string_view params) {
  UpstreamResult r;
  boost::system::error_code ec;
  json::value v = parse_json(params, ec);
  const json::value* uri = !ec && v.is_object() ? v.get_object().if_contains("uri") : nullptr;
  if (!uri || !uri->is_string()) {
    r.error = jsonrpc::Error{jsonrpc::kInvalidParams, "Invalid params: uri must be a string",
                             std::nullopt};
    return r;
  }
  std::shared_ptr<Abort> stream;
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    const std::string u(uri->get_string());
    const bool changed = method == protocol::method::kResourcesSubscribe
                             ? resource_subscriptions_.insert(u).second
                             : resource_subscriptions_.erase(u) > 0;
    if (changed) {
      stream = resources_stream_;
      wake = resources_wake_;
    }
  }
  if (stream) stream->fire();  // reopened with the new set
  if (wake) wake();
  r.result = "{}";
  return r;
}

// Forgets the follower of the resource subscriptions when it is still `stream`'s (a newer one
// may have taken its place).
void UpstreamSession::forget_follower(const std::shared_ptr<Abort>& stream) {
  std::lock_guard lock(mutex_);
  if (resources_stream_ != stream) return;
  resources_stream_.reset();
  resources_wake_ = nullptr;
}

awaitable<std::optional<UpstreamError>> UpstreamSession::listen_resources(
    OnMessage on_message, std::shared_ptr<Abort> abort, std::chrono::milliseconds idle) {
  auto ex = co_await boost::asio::this_coro::executor;
  std::shared_ptr<Abort> last;  // this follower's latest stream
  while (!abort->fired()) {
    auto stream = std::make_shared<Abort>();
    last = stream;
    Wakeup changed(ex);
    json::array uris;
    {
      std::lock_guard lock(mutex_);
      for (const auto& u : resource_subscriptions_)
        uris.emplace_back(u);
      resources_stream_ = stream;
      resources_wake_ = changed.waker();
    }
    if (abort->fired()) break;
    if (uris.empty()) {
      const bool woken = co_await changed.wait(idle);
      (void)woken;
      continue;
    }
    const std::string filter = json::serialize(
        json::object{{"notifications", json::object{{"resourceSubscriptions", std::move(uris)}}}});
    std::function<std::chrono::milliseconds()> wait = [idle] { return idle; };  // named: offload.h
    UpstreamResult r = co_await request(protocol::method::kSubscriptionsListen, filter, on_message,
                                        stream, nullptr, wait);
    if (abort->fired()) break;
    if (stream->fired()) continue;  // the set changed
    std::optional<UpstreamError> why;
    if (r.error)
      why = UpstreamError{.kind = Kind::rejected,
                          .detail = r.error->message,
                          .context = std::string(protocol::method::kSubscriptionsListen)};
    else if (r.failure)
      why = r.failure;
    forget_follower(stream);
    co_return why;  // failed, or ended (the upstream closed it): opened again by the caller
  }
  forget_follower(last);
  co_return std::nullopt;
}

}  // namespace mcpgw::gateway
