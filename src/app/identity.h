#pragma once
// The signing keys of external issuers (auth.issuers): a static JWKS file, read at start, or
// OIDC discovery (<issuer>/.well-known/openid-configuration → jwks_uri) and the JWKS, fetched
// through the upstream HTTP client (TLS verified as federation.verify_tls says), refreshed when
// the JWKS response's max-age runs out (1 h when it gives none; 1 min to 1 day) and when a token
// names an unknown key (auth::ExternalIssuer asks, at most once a minute). A failed fetch keeps
// the last good keys; it is logged once, and again when fetching works again.
#include <chrono>
#include <memory>
#include <vector>

#include "auth/external_issuer.h"
#include "gateway/http_client.h"

namespace mcpgw::app {

class IssuerKeys {
 public:
  IssuerKeys(const auth::IssuerSet& issuers, gateway::HttpClient& http);
  ~IssuerKeys();

  // Reads the static JWKS files. Throws std::runtime_error naming the file when one cannot be
  // read or holds no usable key.
  void load_files();
  // Starts fetching the keys of the issuers without a file, on the HTTP client's executor.
  void start();
  void stop();

  static constexpr std::chrono::seconds kDefaultMaxAge{3600};

 private:
  struct Follower;
  std::vector<std::shared_ptr<Follower>> followers_;
  const auth::IssuerSet& issuers_;
};

}  // namespace mcpgw::app
