#pragma once
// JWTs of external identity providers (config auth.issuers): signature by one of the issuer's
// published keys (auth/jwks.h, checked by libjwt), iss, aud, exp/nbf, then the issuer's claim
// mapping to a Principal. The keys are fetched elsewhere (app/identity.h) and handed in; a token
// naming a key not (yet) known asks for a fetch, at most once a minute, and may wait for it.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/jwks.h"
#include "auth/jwt_claims.h"
#include "config/config.h"

namespace mcpgw::auth {

class ExternalIssuer {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::seconds kRefreshEvery{60};  // fetches asked for by tokens
  static constexpr std::chrono::seconds kKeyWait{5};        // a request waits this long for keys

  // resource_url: auth.resource_url ("" when unset), whose resource URIs are accepted audiences.
  ExternalIssuer(config::IssuerConfig config, std::string resource_url,
                 std::chrono::seconds leeway);
  ~ExternalIssuer();

  const config::IssuerConfig& config() const { return config_; }

  // A token whose unverified iss names this issuer. may_wait: when its key is unknown but a
  // fetch is under way or due, answer wait_for_keys (and ask for the fetch) instead of refusing.
  JwtVerdict verify(const std::string& token, const TokenView& view, std::int64_t now_s,
                    bool may_wait) const;

  // Counts key changes and failed fetches: a waiter waits for it to move.
  std::uint64_t generation() const;
  // Returns when generation() is no longer `seen`, or after kKeyWait.
  boost::asio::awaitable<void> wait_for_keys(std::uint64_t seen) const;

  // The fetcher's side. begin_fetch before each fetch; then set_keys or fetch_failed (the
  // last good keys stay). on_fetch_wanted: called on any thread when a token wants a fetch.
  void begin_fetch();
  void set_keys(std::vector<Jwk> keys);
  void fetch_failed();
  void on_fetch_wanted(std::function<void()> wanted);
  std::size_t key_count() const;

 private:
  struct Keys;
  std::shared_ptr<const std::vector<Jwk>> keys(std::uint64_t& generation) const;
  // Whether a request for an unknown key should wait (asks for a fetch when one is due).
  bool fetch_for_unknown_key() const;
  JwtVerdict accept(const boost::json::object& claims, std::int64_t now_s, Verified& out) const;
  std::optional<std::string> audience_servers(const boost::json::object& claims,
                                              std::vector<std::string>& only) const;

  config::IssuerConfig config_;
  std::string resource_url_;
  std::chrono::seconds leeway_;
  std::unique_ptr<Keys> state_;
  std::unique_ptr<VerifiedCache> cache_;
};

// The configured issuers, found by their exact iss.
class IssuerSet {
 public:
  explicit IssuerSet(const config::AuthConfig& auth);
  ExternalIssuer* find(std::string_view iss) const;
  bool empty() const { return issuers_.empty(); }
  const std::vector<std::unique_ptr<ExternalIssuer>>& all() const { return issuers_; }

 private:
  std::vector<std::unique_ptr<ExternalIssuer>> issuers_;
};

}  // namespace mcpgw::auth
