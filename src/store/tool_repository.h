#pragma once
// The tools table as the admin API reads and writes it: REST tools are the admin's; tools of
// upstream MCP servers come from discovery, and only their enabled flag and tags are the admin's.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "store/list_query.h"

namespace mcpgw::store {

struct ToolRecord {
  std::string id, name, original_name, description;
  std::string integration_type;  // REST | MCP
  std::optional<std::string> request_type, url;
  // JSON text; nullopt for NULL.
  std::optional<std::string> input_schema, output_schema, annotations, headers, tags;
  std::int64_t timeout_ms = 0;
  bool enabled = true;
  std::optional<std::string> gateway_id;  // set: discovered on that upstream
  std::string auth_type;
  bool has_credentials = false;  // the sealed credentials themselves never leave the store here
  std::optional<std::int64_t> created_at, updated_at;  // epoch ms
};

// Every column of a REST tool the admin sets.
struct RestToolWrite {
  std::string name, description;
  std::string input_schema;  // JSON text, as are output_schema, annotations, headers and tags
  std::optional<std::string> output_schema;
  std::string annotations, request_type, url, headers;
  std::int64_t timeout_ms = 0;
  std::string auth_type;
  std::string tags;
  bool enabled = true;
  // nullopt: keep the stored credentials; else replace them with these sealed ones (nullopt
  // inside: none).
  std::optional<std::optional<std::string>> sealed_credentials;
};

// What the admin may change of a discovered tool.
struct DiscoveredToolWrite {
  std::string tags;  // JSON array text
  bool enabled = true;
};

using ToolWrite = std::variant<RestToolWrite, DiscoveredToolWrite>;

class ToolRepository {
 public:
  virtual ~ToolRepository() = default;
  virtual std::vector<ToolRecord> page(const ListQuery& q) = 0;
  virtual std::optional<ToolRecord> find(const std::string& id) = 0;

  // decide sees the stored tool (nullopt when creating, or when there is none) and returns what
  // to write, or nullopt to write nothing.
  using Decide = std::function<std::optional<ToolWrite>(const std::optional<ToolRecord>& stored)>;
  // One transaction that holds the write lock from its start, so that decide sees the state the
  // write replaces: creates the tool `id` (create) or reads and updates it. Returns the tool as
  // written, nullopt when nothing was. Throws Conflict when the name is taken, DatabaseError.
  virtual std::optional<ToolRecord> save(const std::string& id, bool create,
                                         const Decide& decide) = 0;
  // False when there is no such tool. Its server memberships go with it.
  virtual bool remove(const std::string& id) = 0;
};

}  // namespace mcpgw::store
