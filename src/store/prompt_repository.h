#pragma once
// Prompts, which upstream discovery creates: the admin reads them and may switch them off and on.
#include <optional>
#include <string>
#include <vector>

#include "store/list_query.h"

namespace mcpgw::store {

struct PromptRecord {
  std::string id, name, original_name, description;
  std::optional<std::string> arguments;  // JSON array text; nullopt for NULL
  std::optional<std::string> gateway_id;
  bool enabled = true;
};

class PromptRepository {
 public:
  virtual ~PromptRepository() = default;
  virtual std::vector<PromptRecord> page(const ListQuery& q) = 0;
  virtual std::optional<PromptRecord> find(const std::string& id) = 0;
  // The prompt after the change; nullopt when there is none. Throws DatabaseError.
  virtual std::optional<PromptRecord> set_enabled(const std::string& id, bool enabled) = 0;
};

}  // namespace mcpgw::store
