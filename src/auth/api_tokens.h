#pragma once
// Opaque API tokens: "mcpgw_" + 64 hex characters of CSPRNG output. The token is shown once at
// creation; only its SHA-256 is stored, so a database leak reveals no usable token.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/principal.h"
#include "store/api_token_repository.h"

namespace mcpgw::auth {

inline constexpr std::string_view kApiTokenPrefix = "mcpgw_";

struct NewApiToken {
  std::string name;
  std::string subject;
  std::vector<std::string> scopes;
  std::vector<std::string> servers;
  std::optional<std::chrono::seconds> ttl;  // none: does not expire
};

struct CreatedApiToken {
  std::string token;  // the only time the plain token exists
  store::ApiTokenRecord record;
};

struct ApiTokenVerdict {
  std::optional<Principal> principal;
  std::string reason;
};

class ApiTokenService {
 public:
  explicit ApiTokenService(store::ApiTokenRepository& repo) : repo_(repo) {}

  CreatedApiToken create(const NewApiToken& req, std::int64_t now_ms);
  ApiTokenVerdict verify(const std::string& token, std::int64_t now_ms);
  bool revoke(const std::string& id, std::int64_t now_ms) { return repo_.revoke(id, now_ms); }
  std::vector<store::ApiTokenRecord> list() { return repo_.list(); }
  std::vector<store::ApiTokenRecord> page(const store::ApiTokenRepository::PageQuery& q) {
    return repo_.page(q);
  }
  std::optional<store::ApiTokenRecord> find(const std::string& id) { return repo_.find_by_id(id); }

  static bool looks_like_api_token(std::string_view token);

 private:
  store::ApiTokenRepository& repo_;
};

}  // namespace mcpgw::auth
