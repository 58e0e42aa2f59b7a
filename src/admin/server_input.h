#pragma once
// What an admin may send for a virtual server (POST, PUT, PATCH /v1/servers), checked field by
// field. Whether the listed ids exist is checked in the write's transaction, not here.
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/validation.h"

namespace mcpgw::admin {

struct ServerInput {
  std::string name, description;
  std::vector<std::string> tool_ids, resource_ids, prompt_ids;  // sorted, without repeats
  bool expose_original_names = false;
  std::vector<std::string> tags;
};

std::optional<ServerInput> read_server(const boost::json::object& body, FieldErrors& errors);

// Members of the server JSON (GET) that a client may send back in PUT or PATCH unchanged.
inline constexpr std::string_view kServerReadOnly[] = {"id", "created_at", "updated_at"};

}  // namespace mcpgw::admin
