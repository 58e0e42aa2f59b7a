#pragma once
// The ApiTokenRepository of every engine: the api_tokens table.
#include "store/api_token_repository.h"

namespace mcpgw::store {
namespace sql {
class Pool;
}

// Every call takes a connection from the pool for its duration only.
class SqlApiTokenRepository final : public ApiTokenRepository {
 public:
  explicit SqlApiTokenRepository(sql::Pool& pool) : pool_(pool) {}

  void insert(const ApiTokenRecord& rec) override;
  std::optional<ApiTokenRecord> find_by_hash(const std::string& token_hash) override;
  std::optional<ApiTokenRecord> find_by_id(const std::string& id) override;
  std::vector<ApiTokenRecord> list() override;
  std::vector<ApiTokenRecord> page(const PageQuery& q) override;
  bool revoke(const std::string& id, std::int64_t now_ms) override;

 private:
  sql::Pool& pool_;
};

}  // namespace mcpgw::store
