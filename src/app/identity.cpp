#include "app/identity.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "auth/jwks.h"
#include "common/json_parse.h"
#include "common/metrics.h"

namespace mcpgw::app {
namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr std::chrono::seconds kFetchTimeout{10};
constexpr std::size_t kMaxDocument = 1024 * 1024;

// max-age of a Cache-Control value, when it gives one.
std::optional<std::chrono::seconds> max_age(const std::string& cache_control) {
  const auto at = cache_control.find("max-age=");
  if (at == std::string::npos) return std::nullopt;
  long long v = 0;
  std::size_t i = at + 8, digits = 0;
  for (; i < cache_control.size() && std::isdigit(static_cast<unsigned char>(cache_control[i])) &&
         digits < 10;
       ++i, ++digits)
    v = v * 10 + (cache_control[i] - '0');
  if (digits == 0) return std::nullopt;
  return std::chrono::seconds(v);
}

std::string kid_list(const std::vector<auth::Jwk>& keys) {
  std::string out;
  for (const auto& k : keys)
    out += (out.empty() ? "" : ", ") + (k.kid.empty() ? std::string("(no kid)") : k.kid);
  return out;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += (out.empty() ? "" : "; ") + l;
  return out;
}

}  // namespace

struct IssuerKeys::Follower {
  auth::ExternalIssuer& issuer;
  gateway::HttpClient& http;
  asio::strand<asio::any_io_executor> strand;
  asio::steady_timer timer;
  std::atomic<bool> stopped{false};
  unsigned failures = 0;
  std::string held_kids;  // what was last logged

  Follower(auth::ExternalIssuer& i, gateway::HttpClient& h, asio::any_io_executor ex)
      : issuer(i), http(h), strand(asio::make_strand(ex)), timer(strand) {}
  const std::string& name() const { return issuer.config().issuer; }
  void count_fetch(const char* result) const {
    if (!metrics::enabled()) return;
    metrics::registry()
        .counter("mcpgw_jwks_fetches_total", "Fetches of an issuer's signing keys, by result",
                 {"issuer", "result"})
        .with({name(), result})
        .inc();
  }

  // The body of a 200 answer to GET url, or why not.
  asio::awaitable<std::string> get(const std::string& url, std::string* cache_control) {
    gateway::OutboundRequest req;
    req.url = url;
    req.headers = {{"Accept", "application/json"}};
    req.timeout = kFetchTimeout;
    req.retry_safe = true;
    if (cache_control) req.keep_headers = {"cache-control"};
    gateway::OutboundResponse res = co_await http.send(req);
    if (res.status == 0) throw std::runtime_error(url + ": " + res.failure_text());
    if (res.status != 200)
      throw std::runtime_error(url + ": HTTP " + std::to_string(res.status) + " " + res.reason);
    if (res.body.size() > kMaxDocument) throw std::runtime_error(url + ": larger than 1 MiB");
    if (cache_control)
      for (const auto& [k, v] : res.headers)
        if (k == "cache-control") *cache_control = v;
    co_return std::move(res.body);
  }

  // OIDC Discovery 1.0 section 4: the document's issuer must be the one configured.
  asio::awaitable<std::string> discover() {
    const auto& c = issuer.config();
    std::string url = c.discovery_url;
    if (url.empty()) {
      url = c.issuer;
      while (!url.empty() && url.back() == '/')
        url.pop_back();
      url += "/.well-known/openid-configuration";
    }
    const std::string body = co_await get(url, nullptr);
    boost::system::error_code ec;
    json::value doc = parse_json(body, ec);
    if (ec || !doc.is_object()) throw std::runtime_error(url + ": not a JSON object");
    const auto& o = doc.get_object();
    auto iss = o.find("issuer");
    if (iss == o.end() || !iss->value().is_string() || iss->value().get_string() != c.issuer)
      throw std::runtime_error(url + ": its issuer is not '" + c.issuer + "'");
    auto jwks = o.find("jwks_uri");
    if (jwks == o.end() || !jwks->value().is_string())
      throw std::runtime_error(url + ": no jwks_uri");
    std::string uri(jwks->value().get_string());
    if (!config::is_fetchable_url(uri))
      throw std::runtime_error(url + ": jwks_uri '" + uri + "' is not https (or loopback http)");
    co_return uri;
  }

  // Fetches and installs the keys; the time until the next fetch.
  asio::awaitable<std::chrono::seconds> fetch() {
    std::string uri = issuer.config().jwks_uri;
    if (uri.empty()) uri = co_await discover();
    std::string cache_control;
    const std::string body = co_await get(uri, &cache_control);
    auth::JwkSet set = auth::parse_jwks(body);
    if (set.keys.empty())
      throw std::runtime_error(uri + ": no usable signing key (" + joined(set.skipped) + ")");
    const std::string kids = kid_list(set.keys);
    if (kids != held_kids || failures > 0) {
      spdlog::info("issuer {}: {} signing key(s) from {}: {}", name(), set.keys.size(), uri, kids);
      if (!set.skipped.empty())
        spdlog::warn("issuer {}: keys left out: {}", name(), joined(set.skipped));
      held_kids = kids;
    }
    issuer.set_keys(std::move(set.keys));
    count_fetch("ok");
    failures = 0;
    const auto age = max_age(cache_control).value_or(kDefaultMaxAge);
    co_return std::clamp<std::chrono::seconds>(age, 60s, 24h);
  }

  asio::awaitable<std::chrono::seconds> fetch_or_back_off() {
    try {
      co_return co_await fetch();
    } catch (const std::exception& e) {
      issuer.fetch_failed();
      count_fetch("failed");
      const auto wait = std::min<std::chrono::seconds>(5s * (1u << std::min(failures, 6u)), 300s);
      if (failures++ == 0)
        spdlog::warn(
            "issuer {}: cannot fetch its signing keys: {}; keeping the {} held, "
            "retrying (logged again when it works)",
            name(), e.what(), issuer.key_count());
      else
        spdlog::debug("issuer {}: fetch {} failed: {}", name(), failures, e.what());
      co_return wait;
    }
  }

  static asio::awaitable<void> run(std::shared_ptr<Follower> f) {
    while (!f->stopped) {
      f->issuer.begin_fetch();
      const std::chrono::seconds next = co_await f->fetch_or_back_off();
      if (f->stopped) break;
      f->timer.expires_after(next);
      auto [ec] = co_await f->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      (void)ec;  // cancelled: a token wants keys now, or stop
    }
  }
};

IssuerKeys::IssuerKeys(const auth::IssuerSet& issuers, gateway::HttpClient& http)
    : issuers_(issuers) {
  for (const auto& i : issuers.all())
    if (i->config().jwks_file.empty())
      followers_.push_back(std::make_shared<Follower>(*i, http, http.executor()));
}

IssuerKeys::~IssuerKeys() {
  stop();
}

void IssuerKeys::load_files() {
  for (const auto& i : issuers_.all()) {
    const std::string& path = i->config().jwks_file;
    if (path.empty()) continue;
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in)
      throw std::runtime_error(path + ": cannot read the JWKS file of " + i->config().issuer);
    auth::JwkSet set;
    try {
      set = auth::parse_jwks(text.str());
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ": " + e.what());
    }
    if (set.keys.empty())
      throw std::runtime_error(path + ": no usable signing key (" + joined(set.skipped) + ")");
    spdlog::info("issuer {}: {} signing key(s) from {}: {}", i->config().issuer, set.keys.size(),
                 path, kid_list(set.keys));
    i->set_keys(std::move(set.keys));
  }
}

void IssuerKeys::start() {
  for (const auto& f : followers_) {
    std::weak_ptr<Follower> weak = f;
    f->issuer.on_fetch_wanted([weak] {
      if (auto s = weak.lock()) asio::post(s->strand, [s] { s->timer.cancel(); });
    });
    asio::co_spawn(f->strand, Follower::run(f), asio::detached);
  }
}

void IssuerKeys::stop() {
  for (const auto& f : followers_) {
    if (f->stopped.exchange(true)) continue;
    f->issuer.on_fetch_wanted(nullptr);
    asio::post(f->strand, [f] { f->timer.cancel(); });
  }
}

}  // namespace mcpgw::app
