#include "auth/external_issuer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "auth/jwt.h"

namespace mcpgw::auth {
namespace json = boost::json;
namespace asio = boost::asio;
namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!contains(v, s)) v.push_back(s);
}

}  // namespace

struct ExternalIssuer::Keys {
  mutable std::mutex mutex;
  std::shared_ptr<const std::vector<Jwk>> keys = std::make_shared<const std::vector<Jwk>>();
  std::uint64_t generation = 0;
  bool in_flight = false;
  std::optional<Clock::time_point> last_wanted;
  std::function<void()> wanted;
};

ExternalIssuer::ExternalIssuer(config::IssuerConfig config, std::string resource_url,
                               std::chrono::seconds leeway)
    : config_(std::move(config)),
      resource_url_(std::move(resource_url)),
      leeway_(leeway),
      state_(std::make_unique<Keys>()),
      cache_(std::make_unique<VerifiedCache>()) {}

ExternalIssuer::~ExternalIssuer() = default;

std::shared_ptr<const std::vector<Jwk>> ExternalIssuer::keys(std::uint64_t& generation) const {
  std::lock_guard lock(state_->mutex);
  generation = state_->generation;
  return state_->keys;
}

std::uint64_t ExternalIssuer::generation() const {
  std::lock_guard lock(state_->mutex);
  return state_->generation;
}

std::size_t ExternalIssuer::key_count() const {
  std::lock_guard lock(state_->mutex);
  return state_->keys->size();
}

void ExternalIssuer::begin_fetch() {
  std::lock_guard lock(state_->mutex);
  state_->in_flight = true;
}

void ExternalIssuer::set_keys(std::vector<Jwk> keys) {
  auto next = std::make_shared<const std::vector<Jwk>>(std::move(keys));
  {
    std::lock_guard lock(state_->mutex);
    state_->keys = std::move(next);
    state_->in_flight = false;
    ++state_->generation;
  }
  // A token that verified under a key since withdrawn must not outlive it in the cache.
  cache_->clear();
}

void ExternalIssuer::fetch_failed() {
  std::lock_guard lock(state_->mutex);
  state_->in_flight = false;
  ++state_->generation;
}

void ExternalIssuer::on_fetch_wanted(std::function<void()> wanted) {
  std::lock_guard lock(state_->mutex);
  state_->wanted = std::move(wanted);
}

bool ExternalIssuer::fetch_for_unknown_key() const {
  std::function<void()> wanted;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->in_flight) return true;
    const auto now = Clock::now();
    if (!state_->wanted || (state_->last_wanted && now - *state_->last_wanted < kRefreshEvery))
      return false;
    state_->last_wanted = now;
    state_->in_flight = true;
    wanted = state_->wanted;
  }
  wanted();
  return true;
}

asio::awaitable<void> ExternalIssuer::wait_for_keys(std::uint64_t seen) const {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  const auto until = Clock::now() + kKeyWait;
  while (generation() == seen && Clock::now() < until) {
    timer.expires_after(std::chrono::milliseconds(20));
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

JwtVerdict ExternalIssuer::verify(const std::string& token, const TokenView& view,
                                  std::int64_t now_s, bool may_wait) const {
  if (auto cached = cache_->check(token, now_s, leeway_.count())) return std::move(*cached);
  if (!contains(config_.algorithms, view.alg))
    return reject("token algorithm '" + view.alg.substr(0, 16) + "' is not accepted");
  std::uint64_t generation = 0;
  const auto keys = this->keys(generation);
  std::vector<const Jwk*> candidates;
  for (const auto& k : *keys)
    if (k.fits(view.alg) && (view.kid.empty() || k.kid == view.kid)) candidates.push_back(&k);
  if (candidates.empty()) {
    if (may_wait && fetch_for_unknown_key()) return {std::nullopt, {}, true, generation};
    return reject(keys->empty() ? "the issuer's signing keys are not available"
                                : "token signing key (kid) is not one of the issuer's keys");
  }
  std::string why;
  for (const Jwk* k : candidates) {
    auto claims = signed_claims(token, k->pem, view.alg, why);
    if (!claims) continue;
    Verified v;
    JwtVerdict verdict = accept(*claims, now_s, v);
    // Not when the keys changed meanwhile: set_keys has emptied the cache, and this key may be
    // one it withdrew.
    if (verdict.principal && this->generation() == generation) {
      cache_->put(token, std::move(v));
      if (this->generation() != generation) cache_->clear();  // they changed during the put
    }
    return verdict;
  }
  return reject(why);
}

std::optional<std::string> ExternalIssuer::audience_servers(const json::object& claims,
                                                            std::vector<std::string>& only) const {
  auto it = claims.find("aud");
  const auto auds =
      it == claims.end() ? std::vector<std::string>{} : string_list(it->value(), false);
  bool whole = false;
  const std::string server_prefix = resource_url_ + "/servers/";
  for (const auto& a : auds) {
    if (contains(config_.audiences, a)) whole = true;
    if (resource_url_.empty()) continue;
    if (a == resource_url_ || a == resource_url_ + "/mcp") whole = true;
    if (a.size() > server_prefix.size() + 4 && a.rfind(server_prefix, 0) == 0 &&
        a.compare(a.size() - 4, 4, "/mcp") == 0) {
      const std::string id = a.substr(server_prefix.size(), a.size() - 4 - server_prefix.size());
      if (id.find('/') == std::string::npos) add_unique(only, id);
    }
  }
  if (whole) only.clear();
  if (!whole && only.empty()) return "token audience is not accepted";
  return std::nullopt;
}

JwtVerdict ExternalIssuer::accept(const json::object& claims, std::int64_t now_s,
                                  Verified& out) const {
  if (auto bad = read_times(claims, out)) return reject(*bad);
  auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->value().is_string() ||
      iss->value().get_string() != config_.issuer)
    return reject("token issuer is not accepted");
  std::vector<std::string> only;
  if (auto bad = audience_servers(claims, only)) return reject(*bad);
  const json::value* sub = claim_at(claims, config_.subject_claim);
  if (!sub || !sub->is_string() || sub->get_string().empty())
    return reject("token has no '" + config_.subject_claim + "' claim for the subject");

  Principal p;
  p.subject = config_.subject_prefix + std::string(sub->get_string());
  p.token_kind = "oidc";
  p.claims = std::make_shared<const json::object>(claims);
  if (const json::value* scope = claim_at(claims, config_.scope_claim))
    for (const auto& s : string_list(*scope, true))
      if (is_known_scope(s)) add_unique(p.scopes, s);
  if (!config_.servers_claim.empty())
    if (const json::value* servers = claim_at(claims, config_.servers_claim))
      for (const auto& s : string_list(*servers, false))
        add_unique(p.servers, s);
  for (const auto& g : config_.grants) {
    if (!claim_holds(claim_at(claims, g.claim), g.value)) continue;
    for (const auto& s : g.scopes)
      add_unique(p.scopes, s);
    for (const auto& s : g.servers)
      add_unique(p.servers, s);
  }
  if (!only.empty()) {
    // A token for one server's resource URI is good for that server alone.
    std::vector<std::string> allowed;
    for (const auto& id : only)
      if (p.servers.empty() || contains(p.servers, id)) allowed.push_back(id);
    if (allowed.empty()) return reject("token audience names a server the token may not use");
    p.servers = std::move(allowed);
  }
  out.principal = std::move(p);
  return check_times(out, now_s, leeway_.count());
}

IssuerSet::IssuerSet(const config::AuthConfig& auth) {
  const auto leeway = std::chrono::duration_cast<std::chrono::seconds>(auth.leeway);
  for (const auto& c : auth.issuers)
    issuers_.push_back(std::make_unique<ExternalIssuer>(c, auth.resource_url, leeway));
}

ExternalIssuer* IssuerSet::find(std::string_view iss) const {
  for (const auto& i : issuers_)
    if (i->config().issuer == iss) return i.get();
  return nullptr;
}

}  // namespace mcpgw::auth
