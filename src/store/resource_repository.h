#pragma once
// Resources and resource templates, which upstream discovery creates: the admin reads them and
// may switch them off and on.
#include <optional>
#include <string>
#include <vector>

#include "store/list_query.h"

namespace mcpgw::store {

struct ResourceRecord {
  std::string id, uri, original_uri, name, description;
  std::optional<std::string> mime_type;
  bool is_template = false;
  std::optional<std::string> gateway_id;
  bool enabled = true;
};

class ResourceRepository {
 public:
  virtual ~ResourceRepository() = default;
  virtual std::vector<ResourceRecord> page(const ListQuery& q) = 0;
  virtual std::optional<ResourceRecord> find(const std::string& id) = 0;
  // The resource after the change; nullopt when there is none. Throws DatabaseError.
  virtual std::optional<ResourceRecord> set_enabled(const std::string& id, bool enabled) = 0;
};

}  // namespace mcpgw::store
