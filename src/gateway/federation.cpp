#include "gateway/federation.h"

#include "gateway/catalog_sync.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "common/offload.h"
#include "common/wakeup.h"
#include "gateway/discovery.h"
#include "protocol/names.h"
#include "protocol/versions.h"
#include "store/catalog_store.h"

namespace mcpgw::gateway {
namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;

namespace {

constexpr auto kListenIdle = std::chrono::minutes(5);
constexpr auto kUnreachableInterval = std::chrono::milliseconds(2000);

}  // namespace

std::string federated_name(std::string_view slug, std::string_view separator,
                           std::string_view original) {
  std::string out;
  out.reserve(slug.size() + separator.size() + original.size());
  out.append(slug).append(separator).append(original);
  return out;
}

std::string federated_uri(std::string_view slug, std::string_view uri) {
  std::string out;
  out.reserve(slug.size() + 1 + uri.size());
  out.append(slug).append(1, '+').append(uri);
  return out;
}

std::optional<std::string_view> upstream_uri(std::string_view slug, std::string_view uri) {
  if (uri.size() <= slug.size() + 1 || uri.compare(0, slug.size(), slug) != 0 ||
      uri[slug.size()] != '+')
    return std::nullopt;
  return uri.substr(slug.size() + 1);
}

const char* era_name(std::string_view protocol_version) {
  return protocol::era_of(protocol_version) == protocol::Era::modern ? "modern" : "legacy";
}

std::string slugify(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c))
      out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-')
      out += '-';
    if (out.size() >= 48) break;
  }
  while (!out.empty() && out.back() == '-')
    out.pop_back();
  return out.empty() ? "gateway" : out;
}

struct Federation::Monitor {
  Monitor(asio::any_io_executor s, std::shared_ptr<const UpstreamEndpoint> e,
          std::shared_ptr<UpstreamSession> c)
      : strand(std::move(s)), endpoint(std::move(e)), control(std::move(c)) {}

  const asio::any_io_executor strand;
  const std::shared_ptr<const UpstreamEndpoint> endpoint;
  const std::shared_ptr<UpstreamSession> control;
  std::atomic<bool> reachable{true};
  std::atomic<bool> stopped{false};
  unsigned failures = 0;  // strand only
  // What was last written to the database (strand only): it is written again when it changes,
  // and at most once a minute otherwise (last_seen_at).
  std::string written_status, written_error;
  std::chrono::steady_clock::time_point written_at{};

  std::mutex mutex;  // guards what follows
  std::string last_error;
  std::uint64_t requested = 0, completed = 0;  // discovery generations
  bool check_now = false;
  bool discovered_once = false;  // a discovery has completed (successfully or not)
  bool led = false;              // this node did the last periodic round (several nodes)
  std::vector<std::pair<std::uint64_t, std::function<void(const DiscoveryReport&)>>> waiting;
  std::function<void()> wake;
  std::shared_ptr<Abort> listening;

  void poke() {
    std::function<void()> w;
    {
      std::lock_guard lock(mutex);
      w = wake;
    }
    if (w) w();
  }
};

Federation::Federation(asio::any_io_executor io, HttpClient& http, store::CatalogStore& db,
                       asio::thread_pool& blocking, CatalogService& catalog, CatalogSync& sync,
                       config::FederationConfig cfg)
    : io_(std::move(io)),
      http_(http),
      db_(db),
      blocking_(blocking),
      catalog_(catalog),
      cfg_(std::move(cfg)),
      sync_(sync),
      status_writes_(asio::make_strand(blocking.get_executor())) {}

Federation::~Federation() {
  stop();
}

void Federation::start() {
  {
    std::lock_guard lock(mutex_);
    if (started_) return;
    started_ = true;
  }
  catalog_.subscribe([this](const Catalog&, const Catalog& after) { on_catalog_change(after); });
  on_catalog_change(*catalog_.current());
}

void Federation::stop() {
  std::map<std::string, std::shared_ptr<Monitor>> monitors;
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    monitors.swap(monitors_);
  }
  for (auto& [id, m] : monitors) {
    m->stopped = true;
    std::shared_ptr<Abort> listening;
    {
      std::lock_guard lock(m->mutex);
      listening = m->listening;
    }
    if (listening) listening->fire();
    m->poke();
  }
}

void Federation::on_catalog_change(const Catalog& after) {
  std::vector<std::shared_ptr<Monitor>> started, ended;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    for (auto it = monitors_.begin(); it != monitors_.end();) {
      auto g = after.gateways.find(it->first);
      if (g == after.gateways.end() ||
          g->second->fingerprint != it->second->endpoint->fingerprint) {
        ended.push_back(it->second);
        it = monitors_.erase(it);
      } else {
        ++it;
      }
    }
    for (const auto& [id, endpoint] : after.gateways) {
      if (monitors_.count(id)) continue;
      // The control session waits at most discovery_timeout for each message.
      auto control_endpoint = std::make_shared<UpstreamEndpoint>(*endpoint);
      control_endpoint->timeout = std::min(endpoint->timeout, cfg_.discovery_timeout);
      control_endpoint->protocol_version.clear();  // the control session always probes
      auto control = std::make_shared<UpstreamSession>(
          http_, control_endpoint,
          UpstreamSession::ClientIdentity{mcpgw_client_info(), json::object{}});
      auto m = std::make_shared<Monitor>(asio::make_strand(io_), endpoint, std::move(control));
      monitors_[id] = m;
      started.push_back(std::move(m));
    }
  }
  for (auto& m : ended) {
    m->stopped = true;
    std::shared_ptr<Abort> listening;
    {
      std::lock_guard lock(m->mutex);
      listening = m->listening;
    }
    if (listening) listening->fire();
    m->poke();
    auto control = m->control;
    asio::co_spawn(
        m->strand, [control]() -> awaitable<void> { co_await control->close(); }, asio::detached);
  }
  for (auto& m : started) {
    asio::co_spawn(m->strand, run(m), asio::detached);
    asio::co_spawn(m->strand, listen(m), asio::detached);
  }
}

std::shared_ptr<Federation::Monitor> Federation::monitor(const std::string& id) const {
  std::shared_lock lock(mutex_);  // every relayed call looks here: readers share it
  auto it = monitors_.find(id);
  return it == monitors_.end() ? nullptr : it->second;
}

bool Federation::reachable(const std::string& gateway_id) const {
  auto m = monitor(gateway_id);
  return !m || m->reachable.load();
}

std::string Federation::last_error(const std::string& gateway_id) const {
  auto m = monitor(gateway_id);
  if (!m) return {};
  std::lock_guard lock(m->mutex);
  return m->last_error;
}

void Federation::report_failure(const std::string& gateway_id) {
  if (auto m = monitor(gateway_id)) {
    {
      std::lock_guard lock(m->mutex);
      m->check_now = true;
    }
    m->poke();
  }
}

awaitable<DiscoveryReport> Federation::refresh(std::string gateway_id) {
  auto m = monitor(gateway_id);
  if (!m) {
    DiscoveryReport r;
    r.failure = "the gateway is disabled or does not exist";
    co_return r;
  }
  Wakeup woken(co_await asio::this_coro::executor);
  auto report = std::make_shared<DiscoveryReport>();
  {
    std::lock_guard lock(m->mutex);
    // The first discovery of a monitor started after the write that made it: it counts.
    const std::uint64_t generation = m->discovered_once ? ++m->requested : m->requested;
    m->waiting.emplace_back(generation, [report, wake = woken.waker()](const DiscoveryReport& r) {
      *report = r;
      wake();
    });
  }
  m->poke();
  // Discovery is bounded by discovery_timeout per message; this bounds a stuck monitor.
  if (!co_await woken.wait(cfg_.discovery_timeout * 4)) {
    DiscoveryReport r;
    r.failure = "discovery did not finish in time";
    co_return r;
  }
  co_return *report;
}

void Federation::set_status(Monitor& m, bool reachable, const std::string& error) {
  {
    std::lock_guard lock(m.mutex);
    m.last_error = error;
  }
  const bool was = m.reachable.exchange(reachable);
  UpstreamMetrics::set_up(m.endpoint->name, reachable);
  if (was != reachable) {
    if (reachable)
      spdlog::info("upstream {} ({}) is reachable again", m.endpoint->name, m.endpoint->url);
    else
      spdlog::warn(
          "upstream {} ({}) is unreachable after {} failed checks: {}; its items fail "
          "fast until it answers again",
          m.endpoint->name, m.endpoint->url, m.failures, error);
  }
  // The admin API reads status from the database.
  const std::string id = m.endpoint->gateway_id;
  const std::string status = reachable ? "healthy" : "unreachable";
  const auto now = std::chrono::steady_clock::now();
  if (status == m.written_status && error == m.written_error &&
      now - m.written_at < std::chrono::minutes(1))
    return;
  m.written_status = status;
  m.written_error = error;
  m.written_at = now;
  auto& db = db_;
  asio::post(status_writes_, [&db, id, status, error, reachable] {
    try {
      db.discovery().record_status(id, status, error, reachable);
    } catch (const std::exception& e) {
      spdlog::error("gateway {}: cannot record its status: {}", id, e.what());
    }
  });
}

awaitable<DiscoveryReport> Federation::discover(Monitor& m) {
  DiscoveryReport report;
  UpstreamSession& s = *m.control;
  // A modern upstream has no session to keep: each discovery settles its era anew (an upstream
  // that went back to legacy is found out here).
  if (s.modern()) co_await s.close();
  const std::optional<UpstreamError> why = co_await s.ensure_initialized();
  if (why) {
    report.failure = why->text();
    co_return report;
  }
  Offerings offered;
  std::string unlisted = co_await list_offerings(s, offered);
  if (!unlisted.empty()) {
    report.failure = std::move(unlisted);
    co_return report;
  }
  const std::string& id = m.endpoint->gateway_id;
  const std::string& sep = cfg_.name_separator;
  try {
    report = co_await offload(blocking_, [&] {
      DiscoveryReport r = store_discovery(db_.discovery(), id, sep, offered);
      if (r.failure.empty()) sync_.republish();
      return r;
    });
  } catch (const std::exception& e) {
    report.failure = std::string("storing the discovery failed: ") + e.what();
  }
  for (const auto& skipped : report.skipped)
    spdlog::warn("upstream {}: not stored: {}", m.endpoint->name, skipped);
  co_return report;
}

// One round of a gateway this node leads: discovery when due or asked for, else a ping; then
// its status.
awaitable<void> Federation::check(Monitor& m, std::uint64_t target, bool& need_discovery) {
  std::string failure;
  if (need_discovery || target > m.completed) {
    DiscoveryReport report = co_await discover(m);
    if (m.stopped) co_return;
    std::vector<std::function<void(const DiscoveryReport&)>> done;
    {
      std::lock_guard lock(m.mutex);
      m.completed = target;
      m.discovered_once = true;
      for (auto it = m.waiting.begin(); it != m.waiting.end();) {
        if (it->first <= target) {
          done.push_back(std::move(it->second));
          it = m.waiting.erase(it);
        } else {
          ++it;
        }
      }
    }
    for (auto& d : done)
      d(report);
    failure = report.failure;
    need_discovery = !failure.empty();
    if (failure.empty())
      spdlog::info(
          "upstream {}: discovered {} tools, {} resources, {} resource templates, {} "
          "prompts",
          m.endpoint->name, report.tools, report.resources, report.resource_templates,
          report.prompts);
    else
      spdlog::warn("upstream {}: discovery failed: {}", m.endpoint->name, failure);
  } else {
    UpstreamResult r = co_await m.control->ping();
    if (m.stopped) co_return;
    if (!r.ok()) failure = r.error ? "ping: " + r.error->message : r.failure->text();
  }
  if (failure.empty()) {
    if (!m.reachable) need_discovery = true;  // it may have changed while away
    m.failures = 0;
    set_status(m, true, "");
  } else {
    ++m.failures;
    const bool down = m.failures >= cfg_.unhealthy_after;
    set_status(m, down ? false : m.reachable.load(), failure);
  }
}

// A gateway another node leads: its status as that node recorded it.
awaitable<void> Federation::follow_status(Monitor& m) {
  std::optional<store::GatewayRecord> rec;
  try {
    rec = co_await offload(blocking_,
                           [this, &m] { return db_.gateways().find(m.endpoint->gateway_id); });
  } catch (const std::exception& e) {
    spdlog::debug("gateway {}: status not read: {}", m.endpoint->gateway_id, e.what());
    co_return;
  }
  if (!rec) co_return;
  std::lock_guard lock(m.mutex);
  m.last_error = rec->last_error.value_or("");
  m.reachable = rec->status != "unreachable";
}

awaitable<void> Federation::run(std::shared_ptr<Monitor> m) {
  bool need_discovery = true;
  while (!m->stopped) {
    std::uint64_t target;
    bool asked;
    {
      std::lock_guard lock(m->mutex);
      target = m->requested;
      m->check_now = false;  // this round is the check
      // Someone waits for a discovery (the admin API; a registration waits for the first one).
      asked = target > m->completed || !m->waiting.empty();
    }
    // An explicit refresh (the admin API, a list change this node heard) is done here; the
    // periodic rounds only by the node that leads the gateway.
    if (!asked && !take_turn(*m))
      co_await follow_status(*m);
    else
      co_await check(*m, target, need_discovery);
    if (m->stopped) break;

    Wakeup w(m->strand);
    {
      std::lock_guard lock(m->mutex);
      m->wake = w.waker();
      if (m->requested > m->completed || m->check_now || !m->waiting.empty()) continue;
    }
    // An unreachable upstream is checked more often, so that it is back soon after it is.
    const auto interval =
        m->reachable ? cfg_.health_interval : std::min(cfg_.health_interval, kUnreachableInterval);
    co_await w.wait(interval);
    std::lock_guard lock(m->mutex);
    m->wake = nullptr;
  }
  std::lock_guard lock(m->mutex);
  m->wake = nullptr;
  for (auto& [gen, d] : m->waiting) {
    DiscoveryReport r;
    r.failure = "the gateway was changed or removed during discovery";
    d(r);
  }
  m->waiting.clear();
}

bool Federation::leads(const Monitor& m) const {
  return !leads_ || leads_(m.endpoint->gateway_id);
}

bool Federation::take_turn(Monitor& m) {
  const bool mine = leads(m);
  if (leads_ && mine != m.led) {
    if (mine)
      spdlog::info("upstream {}: this node checks its health and refreshes its discovery now",
                   m.endpoint->name);
    else
      spdlog::info("upstream {}: another node checks it now; its status is read from the database",
                   m.endpoint->name);
  }
  m.led = mine;
  return mine;
}

awaitable<void> Federation::listen(std::shared_ptr<Monitor> m) {
  auto backoff = std::chrono::milliseconds(1000);
  while (!m->stopped) {
    if (!m->control->initialized() || !m->reachable || !leads(*m)) {
      Wakeup idle(m->strand);
      co_await idle.wait(std::chrono::seconds(1));
      continue;
    }
    auto abort = std::make_shared<Abort>();
    {
      std::lock_guard lock(m->mutex);
      m->listening = abort;
    }
    if (m->stopped) break;
    bool heard = false;
    // Named, not a temporary inside the co_await (see common/offload.h).
    UpstreamSession::OnMessage on_message = [&m, &heard](UpstreamMessage& msg) {
      heard = true;
      const auto& method = msg.message.method;
      if (method == protocol::notification::kToolsListChanged ||
          method == protocol::notification::kResourcesListChanged ||
          method == protocol::notification::kPromptsListChanged) {
        spdlog::info("upstream {}: {}; refreshing", m->endpoint->name, method);
        {
          std::lock_guard lock(m->mutex);
          ++m->requested;
        }
        m->poke();
      }
    };
    const std::optional<UpstreamError> why =
        co_await m->control->listen(on_message, abort, kListenIdle);
    if (m->stopped) break;
    if (why && ((why->kind == UpstreamError::Kind::http_status && why->http_status == 405) ||
                why->kind == UpstreamError::Kind::rejected)) {
      spdlog::debug("upstream {} offers no {}; list changes are seen on refresh only",
                    m->endpoint->name,
                    m->control->modern() ? "subscriptions/listen stream" : "GET stream");
      break;
    }
    if (heard) backoff = std::chrono::milliseconds(1000);
    Wakeup pause(m->strand);
    co_await pause.wait(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30'000));
  }
}

}  // namespace mcpgw::gateway
