#pragma once
// Per-item policies (gateway/policy.h), as the admin API writes them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/list_query.h"

namespace mcpgw::store {

struct PolicyRecord {
  std::string id, name, description;
  std::int64_t priority = 100;
  bool enabled = true;
  std::string rule;                             // JSON object text
  std::int64_t created_at = 0, updated_at = 0;  // epoch ms
};

struct PolicyWrite {
  std::string name, description;
  std::int64_t priority = 100;
  bool enabled = true;
  std::string rule;
};

class PolicyRepository {
 public:
  virtual ~PolicyRepository() = default;
  // Keyset pages by (name, id); the name filter applies.
  virtual std::vector<PolicyRecord> page(const ListQuery& q) = 0;
  virtual std::optional<PolicyRecord> find(const std::string& id) = 0;
  // Inside the write's transaction: whether a virtual server exists.
  using ServerExists = std::function<bool(const std::string& id)>;
  // decide sees the stored policy (nullopt when creating or when there is none) and returns what
  // to write, or nullopt to write nothing; one transaction. Throws Conflict when the name is
  // taken, DatabaseError.
  using Decide = std::function<std::optional<PolicyWrite>(const std::optional<PolicyRecord>&,
                                                          const ServerExists&)>;
  virtual std::optional<PolicyRecord> save(const std::string& id, bool create,
                                           const Decide& decide) = 0;
  virtual bool remove(const std::string& id) = 0;
};

}  // namespace mcpgw::store
