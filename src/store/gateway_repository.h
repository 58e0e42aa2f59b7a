#pragma once
// Upstream MCP servers ("gateways") as the admin API registers and reads them, with the health
// and discovery state federation records.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "store/list_query.h"

namespace mcpgw::store {

struct GatewayRecord {
  std::string id, name, slug, url, description;
  std::optional<std::string> headers, tags;  // JSON text; nullopt for NULL
  std::string auth_type;
  bool has_credentials = false;
  std::int64_t timeout_ms = 0;
  bool enabled = true;
  std::string status;  // unknown | healthy | unreachable
  std::optional<std::int64_t> last_seen_at;
  std::optional<std::string> last_error, protocol_version;
  std::optional<std::string> server_info, capabilities;  // JSON text
  std::int64_t created_at = 0, updated_at = 0;           // epoch ms
  std::int64_t tool_count = 0, resource_count = 0, prompt_count = 0;
};

struct GatewayWrite {
  std::string name, slug, url, description;
  std::string headers, tags;  // JSON text
  std::int64_t timeout_ms = 0;
  bool enabled = true;
  std::string auth_type;
  // nullopt: keep the stored credentials; else replace them with these sealed ones (nullopt
  // inside: none).
  std::optional<std::optional<std::string>> sealed_credentials;
};

class GatewayRepository {
 public:
  virtual ~GatewayRepository() = default;
  virtual std::vector<GatewayRecord> page(const ListQuery& q) = 0;
  virtual std::optional<GatewayRecord> find(const std::string& id) = 0;

  using Decide =
      std::function<std::optional<GatewayWrite>(const std::optional<GatewayRecord>& stored)>;
  // Creates (create) or reads and updates the gateway `id` in one transaction that holds the
  // write lock from its start. Returns the gateway as written, nullopt when nothing was. Throws
  // Conflict when the name or slug is taken, DatabaseError.
  virtual std::optional<GatewayRecord> save(const std::string& id, bool create,
                                            const Decide& decide) = 0;
  // False when there is no such gateway. Its discovered items go with it.
  virtual bool remove(const std::string& id) = 0;
};

}  // namespace mcpgw::store
