#pragma once
// Virtual servers: each a named set of tools, resources and prompts.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/list_query.h"

namespace mcpgw::store {

struct ServerRecord {
  std::string id, name, description;
  std::vector<std::string> tool_ids, resource_ids, prompt_ids;  // sorted
  bool expose_original_names = false;
  std::optional<std::string> tags;                     // JSON array text; nullopt for NULL
  std::optional<std::int64_t> created_at, updated_at;  // epoch ms
};

struct ServerWrite {
  std::string name, description;
  bool expose_original_names = false;
  std::string tags;  // JSON array text
  std::vector<std::string> tool_ids, resource_ids, prompt_ids;
};

enum class ServerItem { tool, resource, prompt };

class ServerRepository {
 public:
  virtual ~ServerRepository() = default;
  virtual std::vector<ServerRecord> page(const ListQuery& q) = 0;
  virtual std::optional<ServerRecord> find(const std::string& id) = 0;

  // Inside the write's transaction: whether the item exists.
  using ItemExists = std::function<bool(ServerItem kind, const std::string& id)>;
  // decide sees the stored server (nullopt when creating, or when there is none) and returns
  // what to write, or nullopt to write nothing.
  using Decide = std::function<std::optional<ServerWrite>(const std::optional<ServerRecord>& stored,
                                                          const ItemExists& exists)>;
  // The server row and its three membership lists in one transaction that holds the write lock
  // from its start. Returns the server as written, nullopt when nothing was. Throws Conflict when
  // the name is taken, DatabaseError.
  virtual std::optional<ServerRecord> save(const std::string& id, bool create,
                                           const Decide& decide) = 0;
  // False when there is no such server. Its memberships go with it.
  virtual bool remove(const std::string& id) = 0;
};

}  // namespace mcpgw::store
