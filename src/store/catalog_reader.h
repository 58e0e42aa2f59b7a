#pragma once
// What the gateway's catalog snapshot is built from: every enabled gateway, tool, resource and
// prompt, every virtual server and which items each holds. The rows are as stored (JSON columns
// as their text, credentials still sealed); the gateway layer turns them into a Catalog.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mcpgw::store {

struct GatewayRow {
  std::string id, name, slug, url;
  std::string headers;                            // JSON object text
  std::optional<std::string> sealed_credentials;  // nullopt: none
  std::int64_t timeout_ms = 0;
  std::int64_t updated_at = 0;   // epoch ms
  std::string protocol_version;  // the revision its last discovery settled on; "" none yet
};

struct ToolRow {
  std::string id, name, original_name, description;
  std::string integration_type;  // REST | MCP
  std::string input_schema;      // JSON text, as are output_schema, annotations and headers
  std::optional<std::string> output_schema;
  std::string annotations;
  std::optional<std::string> request_type;  // REST: the HTTP method
  std::string url, headers;
  std::int64_t timeout_ms = 0;
  std::optional<std::string> sealed_credentials;
  std::optional<std::string> definition;  // upstream tools: the upstream's own JSON object
  std::optional<std::string> gateway_id;
};

struct ResourceRow {
  std::string id, uri, original_uri, name, description;
  std::optional<std::string> mime_type;
  bool is_template = false;
  std::optional<std::string> definition;
  std::optional<std::string> gateway_id;
};

struct PromptRow {
  std::string id, name, original_name, description;
  std::string arguments;  // JSON array text
  std::optional<std::string> definition;
  std::optional<std::string> gateway_id;
};

struct ServerRow {
  std::string id, name;
  bool expose_original_names = false;
};

struct PolicyRow {
  std::string id, name;
  std::int64_t priority = 100;
  std::string rule;  // JSON object text
};

struct CatalogRows {
  std::vector<GatewayRow> gateways;  // enabled only, as are the items
  std::vector<ToolRow> tools;
  std::vector<ResourceRow> resources;  // resources and resource templates
  std::vector<PromptRow> prompts;
  std::vector<ServerRow> servers;
  // (server id, item id) for every tool, resource and prompt a server holds.
  std::vector<std::pair<std::string, std::string>> memberships;
  std::vector<PolicyRow> policies;  // enabled only
  // The database-wide number of the latest catalog change (mark_changed).
  std::int64_t epoch = 0;
};

class CatalogReader {
 public:
  virtual ~CatalogReader() = default;
  // Everything above as of one moment (one read transaction). Throws DatabaseError.
  virtual CatalogRows read_catalog() = 0;
  // Numbers a committed change of the catalog, database-wide (several nodes: each delivers it
  // under that number). Blocking; throws DatabaseError.
  virtual void mark_changed() = 0;
};

}  // namespace mcpgw::store
