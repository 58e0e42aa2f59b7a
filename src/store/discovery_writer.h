#pragma once
// What federation writes: the items one discovery of an upstream MCP server found, and the
// upstream's health. Items are matched to their rows by the upstream's name (or URI), so that ids,
// virtual server memberships, enabled flags and tags survive a refresh.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::store {

// Each item as it is to be stored: `name` / `uri` is mcpgw's (federated) one, `original_*` the
// upstream's, `definition` the upstream's JSON object as text.
struct DiscoveredTool {
  std::string original_name, name, description;
  std::string input_schema;  // JSON text
  std::optional<std::string> output_schema;
  std::string annotations;  // JSON object text
  std::string definition;
};

struct DiscoveredResource {
  std::string original_uri, uri, name, description;
  std::optional<std::string> mime_type;
  bool is_template = false;
  std::string definition;
};

struct DiscoveredPrompt {
  std::string original_name, name, description;
  std::string arguments;  // JSON array text
  std::string definition;
};

struct Discovery {
  std::vector<DiscoveredTool> tools;
  std::vector<DiscoveredResource> resources;  // resources, then resource templates
  std::vector<DiscoveredPrompt> prompts;
  std::string capabilities, server_info;  // JSON object text
  std::string protocol_version;
};

struct DiscoveryResult {
  bool gateway_found = true;  // false: the gateway is gone; nothing was written
  std::size_t tools = 0, resources = 0, resource_templates = 0, prompts = 0;  // stored
  // Items not stored because their name (or URI) belongs to another item, e.g.
  // "tool echo: the name is already taken".
  std::vector<std::string> skipped;
};

class DiscoveryWriter {
 public:
  virtual ~DiscoveryWriter() = default;
  // In one transaction: reads the gateway's slug, asks describe(slug) for the discovery (names
  // are made from the slug the rows are stored under), makes the gateway's stored items exactly
  // those, and marks the gateway healthy and seen now with the discovery's capabilities, server
  // info and protocol version (last_error lists what was skipped). Throws DatabaseError.
  virtual DiscoveryResult store_discovery(
      const std::string& gateway_id,
      const std::function<Discovery(const std::string& slug)>& describe) = 0;
  // Records the gateway's health: its status, its last error (empty: none) and, when seen, that
  // it answered now. Throws DatabaseError.
  virtual void record_status(const std::string& gateway_id, const std::string& status,
                             const std::string& error, bool seen) = 0;
};

}  // namespace mcpgw::store
