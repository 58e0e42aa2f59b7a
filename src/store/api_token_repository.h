#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::store {

struct ApiTokenRecord {
  std::string id;
  std::string name;
  std::string token_hash;  // lower-case hex SHA-256 of the token
  std::string prefix;      // first characters of the token, for people to tell tokens apart
  std::string subject;
  std::vector<std::string> scopes;
  std::vector<std::string> servers;  // empty: every server
  std::int64_t created_at = 0;       // epoch ms
  std::optional<std::int64_t> expires_at;
  std::optional<std::int64_t> revoked_at;
};

// Opaque API tokens (hash only). Every call throws DatabaseError when the database fails.
class ApiTokenRepository {
 public:
  virtual ~ApiTokenRepository() = default;

  // Throws Conflict when the id or the hash is taken.
  virtual void insert(const ApiTokenRecord& rec) = 0;
  virtual std::optional<ApiTokenRecord> find_by_hash(const std::string& token_hash) = 0;
  virtual std::optional<ApiTokenRecord> find_by_id(const std::string& id) = 0;
  // Newest first.
  virtual std::vector<ApiTokenRecord> list() = 0;
  // Up to limit tokens ordered by (name, id) after the position `after` (keyset paging), whose
  // name contains name_contains (ASCII case-insensitive) when that is set.
  struct PageQuery {
    std::optional<std::string> name_contains;
    std::optional<std::pair<std::string, std::string>> after;  // (name, id)
    int limit = 100;
  };
  virtual std::vector<ApiTokenRecord> page(const PageQuery& q) = 0;
  // Sets revoked_at; false if no such token or it was already revoked.
  virtual bool revoke(const std::string& id, std::int64_t now_ms) = 0;
};

}  // namespace mcpgw::store
