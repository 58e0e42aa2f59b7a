#pragma once
// What an admin may send for a tool (POST, PUT, PATCH /v1/tools), checked field by field.
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/validation.h"

namespace mcpgw::admin {

struct ToolInput {
  std::string name, description, url, request_type = "POST";
  boost::json::object input_schema{{"type", "object"}};
  std::optional<boost::json::object> output_schema;
  boost::json::object annotations, headers;
  std::int64_t timeout_ms = 30'000;
  std::string auth_type = "none";
  // The credentials to seal and store ({"type": auth_type, ...}). Unset with an auth_type other
  // than none: keep the stored ones (PATCH only).
  std::optional<boost::json::object> credentials;
  std::vector<std::string> tags;
  bool enabled = true;
};

// A REST tool as POST and PUT take it. keep_credentials: the stored tool has credentials for
// this auth_type, so the body may leave them out (PATCH).
std::optional<ToolInput> read_tool(const boost::json::object& body, FieldErrors& errors,
                                   bool keep_credentials = false);

// Members of the tool JSON (GET) that a client may send back in PUT or PATCH unchanged.
inline constexpr std::string_view kToolReadOnly[] = {"id",         "gateway_id", "original_name",
                                                     "created_at", "updated_at", "has_credentials"};

// The members of a stored tool's JSON that read_tool takes: what PATCH merges the body into.
boost::json::object tool_input_fields(const boost::json::object& tool_json);

// Tools of upstream MCP servers: only enabled and tags are the admin's. Every other member of
// body whose value in candidate (the body itself for PUT, the merged tool for PATCH) differs
// from stored is an error naming it.
void check_discovered_tool_change(const boost::json::object& body,
                                  const boost::json::object& candidate,
                                  const boost::json::object& stored, FieldErrors& errors);

inline constexpr std::string_view kDiscoveredToolMessage =
    "tools of upstream MCP servers are managed by discovery";

}  // namespace mcpgw::admin
