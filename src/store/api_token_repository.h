#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"

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

// api_tokens table. Every call takes a connection from the pool for its duration only.
class ApiTokenRepository {
 public:
  explicit ApiTokenRepository(ConnectionPool& pool) : pool_(pool) {}

  void insert(const ApiTokenRecord& rec);
  std::optional<ApiTokenRecord> find_by_hash(const std::string& token_hash);
  std::optional<ApiTokenRecord> find_by_id(const std::string& id);
  // Newest first.
  std::vector<ApiTokenRecord> list();
  // Up to limit tokens ordered by (name, id) after the position `after` (keyset paging), whose
  // name contains name_contains (ASCII case-insensitive) when that is set.
  struct PageQuery {
    std::optional<std::string> name_contains;
    std::optional<std::pair<std::string, std::string>> after;  // (name, id)
    int limit = 100;
  };
  std::vector<ApiTokenRecord> page(const PageQuery& q);
  // Sets revoked_at; false if no such token or it was already revoked.
  bool revoke(const std::string& id, std::int64_t now_ms);

 private:
  ConnectionPool& pool_;
};

}  // namespace mcpgw::store
