#include "gateway/upstream_session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "common/json_parse.h"
#include "common/wakeup.h"
#include "gateway/upstream_exchange.h"
#include "protocol/errors.h"
#include "protocol/header_value.h"
#include "protocol/names.h"
#include "protocol/versions.h"

namespace mcpgw::gateway {
namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;

namespace {

using Kind = UpstreamError::Kind;

// Resuming a response stream that broke off: at most this many times, waiting as the upstream's
// SSE retry field says (this by default, never longer than the cap).
constexpr int kMaxResumes = 5;
constexpr long kDefaultRetryMs = 1000;
constexpr long kMaxRetryMs = 10'000;

// Requests that change nothing upstream: sent again when a pooled connection turns out dead.
// tools/call is not among them (a tool may act on the world).
bool retry_safe(std::string_view method) {
  for (std::string_view m :
       {protocol::method::kPing, protocol::method::kToolsList, protocol::method::kResourcesList,
        protocol::method::kResourceTemplatesList, protocol::method::kPromptsList,
        protocol::method::kResourcesRead, protocol::method::kPromptsGet,
        protocol::method::kCompletionComplete, protocol::method::kLoggingSetLevel})
    if (method == m) return true;
  return false;
}

}  // namespace

UpstreamSession::UpstreamSession(HttpClient& http, std::shared_ptr<const UpstreamEndpoint> endpoint,
                                 ClientIdentity identity)
    : http_(http), endpoint_(std::move(endpoint)), identity_(std::move(identity)) {}

OutboundRequest UpstreamSession::base_request(std::string method) const {
  OutboundRequest r;
  r.method = std::move(method);
  r.url = endpoint_->url;
  r.timeout = endpoint_->timeout;
  r.headers = endpoint_->headers;
  return r;
}

awaitable<UpstreamResult> UpstreamSession::initialize() {
  json::object params{{"protocolVersion", protocol::kLatestVersion},
                      {"capabilities", identity_.capabilities},
                      {"clientInfo", identity_.client_info}};
  Exchange x;
  x.id = 0;
  x.body = message_text(x.id, protocol::method::kInitialize, json::serialize(params));
  x.with_session = false;
  x.retry_safe = true;
  UpstreamResult r = co_await exchange(x);
  if (r.error) {
    r.failure = UpstreamError{
        .kind = Kind::rejected, .detail = r.error->message, .context = "initialize failed"};
    co_return r;
  }
  if (!r.ok()) co_return r;
  boost::system::error_code ec;
  json::value v = parse_json(r.result, ec);
  const json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
  const json::value* version = o ? o->if_contains("protocolVersion") : nullptr;
  if (!version || !version->is_string() || !protocol::is_supported_version(version->get_string())) {
    r.failure = UpstreamError::of(
        Kind::protocol, "the upstream offered protocol version " +
                            (version ? json::serialize(*version) : std::string("(none)")) +
                            ", which mcpgw does not speak");
    co_return r;
  }
  {
    std::lock_guard lock(mutex_);
    session_id_ = x.session_id;
    protocol_version_ = std::string(version->get_string());
    if (auto c = o->if_contains("capabilities"); c && c->is_object())
      server_capabilities_ = c->get_object();
    if (auto i = o->if_contains("serverInfo"); i && i->is_object()) server_info_ = i->get_object();
  }
  Exchange n;
  n.body = message_text(nullptr, protocol::notification::kInitialized, "");
  UpstreamResult nr = co_await exchange(n);
  if (nr.failure) {
    r.failure = std::move(nr.failure);
    r.failure->context = std::string(protocol::notification::kInitialized);
  }
  co_return r;
}

awaitable<std::optional<UpstreamError>> UpstreamSession::ensure_initialized() {
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    Wakeup woken(ex);
    {
      std::lock_guard lock(mutex_);
      if (state_ == State::ready) co_return std::nullopt;
      if (state_ == State::fresh) {
        state_ = State::initializing;
        break;
      }
      waiters_.push_back(woken.waker());
    }
    co_await woken.wait(std::chrono::hours(24));  // the attempt is bounded by its own timeouts
    std::lock_guard lock(mutex_);
    if (state_ == State::fresh && last_failure_) co_return last_failure_;
  }
  UpstreamResult r = co_await connect();
  std::vector<std::function<void()>> waiters;
  {
    std::lock_guard lock(mutex_);
    state_ = r.failure ? State::fresh : State::ready;  // initialize() turns errors into failures
    last_failure_ = r.failure;
    waiters.swap(waiters_);
  }
  for (auto& w : waiters)
    w();
  co_return r.failure;
}

void UpstreamSession::forget_session(const std::string& id) {
  std::lock_guard lock(mutex_);
  if (state_ == State::ready && session_id_ == id) {
    state_ = State::fresh;
    session_id_.clear();
    log_level_.clear();
  }
}

bool UpstreamSession::needs_log_level(const std::string& level) const {
  std::lock_guard lock(mutex_);
  return !modern_ && !level.empty() && level != log_level_;
}

awaitable<std::optional<UpstreamError>> UpstreamSession::apply_log_level(std::string level) {
  std::optional<UpstreamError> why = co_await ensure_initialized();
  if (why) co_return why;
  {
    std::lock_guard lock(mutex_);
    if (level.empty() || level == log_level_) co_return std::nullopt;
    // Modern: no logging/setLevel; each request's envelope names its level.
    if (modern_ || !server_capabilities_.contains("logging")) {
      log_level_ = level;  // nothing to tell an upstream that does not log
      co_return std::nullopt;
    }
  }
  const std::string params = json::serialize(json::object{{"level", level}});
  const OnMessage ignore;
  UpstreamResult r = co_await request(protocol::method::kLoggingSetLevel, params, ignore);
  if (r.error) co_return UpstreamError::of(Kind::rejected, r.error->message);
  if (r.failure) co_return r.failure;
  std::lock_guard lock(mutex_);
  log_level_ = std::move(level);
  co_return std::nullopt;
}

UpstreamMetrics UpstreamMetrics::make(std::string_view gateway) {
  UpstreamMetrics m;
  if (!metrics::enabled()) return m;
  auto& reg = metrics::registry();
  m.duration = &reg.histogram("mcpgw_upstream_request_duration_seconds",
                              "Requests to upstream MCP servers, until their answer", {"gateway"})
                    .with({gateway});
  auto& errors =
      reg.counter("mcpgw_upstream_errors_total",
                  "Upstream requests that brought no answer, by kind", {"gateway", "kind"});
  for (std::size_t k = 0; k < UpstreamError::kKinds; ++k)
    m.errors[k] =
        &errors.with({gateway, UpstreamError::kind_name(static_cast<UpstreamError::Kind>(k))});
  return m;
}

void UpstreamMetrics::set_up(std::string_view gateway, bool up) {
  if (!metrics::enabled()) return;
  metrics::registry()
      .gauge("mcpgw_upstream_up", "1 when the upstream MCP server answered its last health checks",
             {"gateway"})
      .with({gateway})
      .set(up ? 1 : 0);
}

void UpstreamMetrics::record(const std::optional<UpstreamError>& failure,
                             std::chrono::steady_clock::duration took) const {
  if (!duration) return;
  duration->observe(std::chrono::duration<double>(took).count());
  if (failure) errors[static_cast<std::size_t>(failure->kind)]->inc();
}

awaitable<UpstreamResult> UpstreamSession::request(
    std::string_view method, std::string params, OnMessage on_message, std::shared_ptr<Abort> abort,
    json::value* upstream_id, std::function<std::chrono::milliseconds()> stream_wait,
    const RequestOptions* options) {
  const auto started = std::chrono::steady_clock::now();
  // Every answer goes through here: its duration and failure are counted.
  auto counted = [&](UpstreamResult r) {
    endpoint_->metrics.record(r.failure, std::chrono::steady_clock::now() - started);
    return r;
  };
  for (int attempt = 0;; ++attempt) {
    std::optional<UpstreamError> why = co_await ensure_initialized();
    if (why) {
      UpstreamResult r;
      r.failure = std::move(why);
      co_return counted(std::move(r));
    }
    const bool modern_era = modern();  // once per attempt: close() may reset it meanwhile
    if (modern_era && (method == protocol::method::kResourcesSubscribe ||
                       method == protocol::method::kResourcesUnsubscribe))
      co_return counted(change_subscription(method, params));
    Exchange x;
    {
      std::lock_guard lock(mutex_);
      x.id = next_id_++;
    }
    if (upstream_id) *upstream_id = x.id;
    if (modern_era) {
      std::string name;
      x.body = message_text(x.id, method, with_envelope(method, params, options, name));
      x.headers.emplace_back(protocol::header::kMethod, method);
      if (!name.empty())
        x.headers.emplace_back(protocol::header::kName, protocol::encode_header_value(name));
    } else {
      x.body = message_text(x.id, method, params);
    }
    if (options && modern_era)
      for (const auto& h : options->headers)
        x.headers.push_back(h);
    x.retry_safe = retry_safe(method);
    x.on_message = on_message;
    x.abort = abort;
    x.stream_wait = stream_wait;
    UpstreamResult r = co_await exchange(x);
    if (x.session_lost && attempt == 0) {
      spdlog::info("upstream {}: session {} expired; initializing a new one", endpoint_->name,
                   x.sent_session);
      forget_session(x.sent_session);
      continue;
    }
    if (modern_era && refused_hop(r, method, attempt == 0)) continue;
    // The response's stream ended or broke before the response, and the upstream numbered its
    // events: resume it (GET with Last-Event-ID) after the pause its retry field asks for.
    auto ex = co_await asio::this_coro::executor;
    const bool resumable = !modern_era;  // modern streams are not resumable
    for (int resumed = 0; resumable && resumed < kMaxResumes && x.broke_off &&
                          !x.last_event_id.empty() && !(abort && abort->fired());
         ++resumed) {
      const long pause = std::clamp<long>(x.retry_ms.value_or(kDefaultRetryMs), 0, kMaxRetryMs);
      spdlog::debug("upstream {}: {} broke off ({}); resuming after event {} in {} ms",
                    endpoint_->name, method, r.failure ? r.failure->text() : std::string(),
                    x.last_event_id, pause);
      Wakeup later(ex);
      co_await later.wait(std::chrono::milliseconds(pause));
      Exchange g;
      g.http_method = "GET";
      g.id = x.id;
      g.last_event_id = x.last_event_id;
      g.on_message = on_message;
      g.abort = abort;
      g.stream_wait = stream_wait;
      r = co_await exchange(g);
      x.broke_off = g.broke_off;
      x.last_event_id = g.last_event_id;
      if (g.retry_ms) x.retry_ms = g.retry_ms;
      if (g.status / 100 == 4) break;  // the upstream cannot resume it (no GET, unknown id)
    }
    co_return counted(std::move(r));
  }
}

awaitable<std::optional<UpstreamError>> UpstreamSession::notify(std::string_view method,
                                                                std::string params) {
  // Modern: no notifications from client to server over HTTP (a request is cancelled by closing
  // its stream, and there is no initialized).
  if (modern()) co_return std::nullopt;
  Exchange x;
  x.body = message_text(nullptr, method, params);
  UpstreamResult r = co_await exchange(x);
  co_return r.failure;
}

awaitable<std::optional<UpstreamError>> UpstreamSession::send_message(std::string text) {
  Exchange x;
  x.body = std::move(text);
  UpstreamResult r = co_await exchange(x);
  co_return r.failure;
}

awaitable<std::optional<UpstreamError>> UpstreamSession::listen(OnMessage on_message,
                                                                std::shared_ptr<Abort> abort,
                                                                std::chrono::milliseconds idle) {
  std::optional<UpstreamError> why = co_await ensure_initialized();
  if (why) co_return why;
  if (modern()) {
    // A subscriptions/listen stream for list changes; its response comes only when it ends.
    const std::string filter = json::serialize(
        json::object{{"notifications", json::object{{"toolsListChanged", true},
                                                    {"promptsListChanged", true},
                                                    {"resourcesListChanged", true}}}});
    // Named, not a temporary inside the co_await (common/offload.h).
    std::function<std::chrono::milliseconds()> wait = [idle] { return idle; };
    UpstreamResult r = co_await request(protocol::method::kSubscriptionsListen, filter,
                                        std::move(on_message), std::move(abort), nullptr, wait);
    if (r.error)
      co_return UpstreamError{.kind = Kind::rejected,
                              .detail = r.error->message,
                              .context = std::string(protocol::method::kSubscriptionsListen)};
    if (r.failure && r.failure->kind == Kind::cancelled) co_return std::nullopt;
    co_return r.failure;
  }
  Exchange x;
  x.http_method = "GET";
  x.on_message = std::move(on_message);
  x.abort = std::move(abort);
  x.timeout = idle;
  UpstreamResult r = co_await exchange(x);
  if (x.session_lost) forget_session(x.sent_session);
  if (r.failure && r.failure->kind == Kind::cancelled) co_return std::nullopt;
  co_return r.failure;
}

std::shared_ptr<Abort> UpstreamSession::claim_listener() {
  std::lock_guard lock(mutex_);
  if (listener_) return nullptr;
  listener_ = std::make_shared<Abort>();
  return listener_;
}

void UpstreamSession::stop_listener() {
  std::shared_ptr<Abort> listener, resources;
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    listener.swap(listener_);
    resources = resources_stream_;
    wake = resources_wake_;
  }
  if (listener) listener->fire();
  if (resources) resources->fire();
  if (wake) wake();
}

void UpstreamSession::release_listener(const std::shared_ptr<Abort>& mine) {
  std::lock_guard lock(mutex_);
  if (listener_ == mine) listener_.reset();
}

awaitable<void> UpstreamSession::close() {
  stop_listener();
  std::string id;
  {
    std::lock_guard lock(mutex_);
    id.swap(session_id_);
    state_ = State::fresh;
    log_level_.clear();
    modern_ = false;
  }
  if (id.empty()) co_return;
  OutboundRequest r = base_request("DELETE");
  r.headers.emplace_back(std::string(kSessionHeader), id);
  r.timeout = std::min(endpoint_->timeout, std::chrono::milliseconds(5000));
  const OutboundResponse res = co_await http_.send(r);
  // 405: the upstream does not let clients end sessions; it will expire it.
  if (res.status == 0 || (res.status / 100 != 2 && res.status != 405 && res.status != 404))
    spdlog::debug("upstream {}: ending session {}: {}", endpoint_->name, id,
                  res.status ? "HTTP " + std::to_string(res.status) : res.failure_text());
}

json::object UpstreamSession::server_capabilities() const {
  std::lock_guard lock(mutex_);
  return server_capabilities_;
}
json::object UpstreamSession::server_info() const {
  std::lock_guard lock(mutex_);
  return server_info_;
}
std::string UpstreamSession::protocol_version() const {
  std::lock_guard lock(mutex_);
  return protocol_version_;
}
bool UpstreamSession::initialized() const {
  std::lock_guard lock(mutex_);
  return state_ == State::ready;
}
bool UpstreamSession::modern() const {
  std::lock_guard lock(mutex_);
  return state_ == State::ready && modern_;
}

void close_in_background(HttpClient& http, std::shared_ptr<UpstreamSession> session) {
  if (!session) return;  // close() also stops whoever follows its GET stream
  asio::co_spawn(
      asio::make_strand(http.executor()),
      [session]() -> awaitable<void> { co_await session->close(); }, asio::detached);
}

// The client session closes its upstream sessions (close_all) when it ends; this is the last
// resort (shutdown, when the HTTP client may be gone already): no I/O, only followers stopped.
UpstreamSessions::~UpstreamSessions() {
  for (auto& [id, s] : by_gateway_)
    s->stop_listener();
}

std::shared_ptr<UpstreamSession> UpstreamSessions::get(
    HttpClient& http, const std::shared_ptr<const UpstreamEndpoint>& endpoint,
    const std::function<UpstreamSession::ClientIdentity()>& who) {
  std::shared_ptr<UpstreamSession> stale;
  std::shared_ptr<UpstreamSession> out;
  {
    std::lock_guard lock(mutex_);
    http_ = &http;
    auto& slot = by_gateway_[endpoint->gateway_id];
    if (slot && (slot->endpoint().fingerprint != endpoint->fingerprint ||
                 slot->endpoint().protocol_version != endpoint->protocol_version))
      stale = std::move(slot);
    if (!slot) slot = std::make_shared<UpstreamSession>(http, endpoint, who());
    out = slot;
  }
  if (stale) close_in_background(http, std::move(stale));
  return out;
}

std::vector<std::shared_ptr<UpstreamSession>> UpstreamSessions::current() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<UpstreamSession>> out;
  for (const auto& [id, s] : by_gateway_)
    out.push_back(s);
  return out;
}

void UpstreamSessions::close_all() {
  std::map<std::string, std::shared_ptr<UpstreamSession>> sessions;
  HttpClient* http;
  {
    std::lock_guard lock(mutex_);
    sessions.swap(by_gateway_);
    http = http_;
  }
  if (!http) return;
  for (auto& [id, s] : sessions)
    close_in_background(*http, std::move(s));
}

}  // namespace mcpgw::gateway
