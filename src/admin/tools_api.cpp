// /v1/tools: REST tools are the admin's; tools of upstream MCP servers (gateway_id set) come from
// discovery, and only their enabled flag and tags are the admin's.
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "admin/tool_input.h"
#include "common/crypto.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::Exchange;
using http::Response;

namespace {

json::object tool_json(const store::ToolRecord& t) {
  return json::object{{"id", t.id},
                      {"name", t.name},
                      {"original_name", t.original_name},
                      {"description", t.description},
                      {"integration_type", t.integration_type},
                      {"request_type", text_or_null(t.request_type)},
                      {"url", text_or_null(t.url)},
                      {"input_schema", json_text(t.input_schema)},
                      {"output_schema", json_text(t.output_schema)},
                      {"annotations", json_text(t.annotations)},
                      {"headers", json_text(t.headers)},
                      {"timeout_ms", t.timeout_ms},
                      {"enabled", t.enabled},
                      {"tags", json_text(t.tags)},
                      {"gateway_id", text_or_null(t.gateway_id)},
                      {"auth_type", t.auth_type},
                      {"has_credentials", t.has_credentials},
                      {"created_at", time_or_null(t.created_at)},
                      {"updated_at", time_or_null(t.updated_at)}};
}

std::string tags_text(const std::vector<std::string>& tags) {
  return json::serialize(json::value_from(tags));
}

store::RestToolWrite rest_tool_write(const ToolInput& t, const std::string& credentials_key) {
  store::RestToolWrite w;
  w.name = t.name;
  w.description = t.description;
  w.input_schema = json::serialize(t.input_schema);
  if (t.output_schema) w.output_schema = json::serialize(*t.output_schema);
  w.annotations = json::serialize(t.annotations);
  w.request_type = t.request_type;
  w.url = t.url;
  w.headers = json::serialize(t.headers);
  w.timeout_ms = t.timeout_ms;
  w.auth_type = t.auth_type;
  w.tags = tags_text(t.tags);
  w.enabled = t.enabled;
  // Credentials are replaced when given, dropped with auth_type none, else kept.
  if (t.credentials)
    w.sealed_credentials = crypto::seal(credentials_key, json::serialize(*t.credentials));
  else if (t.auth_type == "none")
    w.sealed_credentials = std::optional<std::string>();
  return w;
}

// What POST (no stored tool), PUT and PATCH write, decided from the stored tool inside the
// store's transaction; nullopt (and out says why) to write nothing.
std::optional<store::ToolWrite> decide_tool(const CatalogContext& c, WriteOutcome& out,
                                            const std::optional<store::ToolRecord>& found,
                                            const json::object& request, bool create, bool patch) {
  json::object body = request;
  FieldErrors& e = out.errors;
  json::object stored;
  if (!create) {
    if (!found) {
      out.kind = WriteOutcome::Kind::not_found;
      return std::nullopt;
    }
    stored = tool_json(*found);
    drop_read_only(body, stored, kToolReadOnly, e);
  }
  const json::object stored_input = tool_input_fields(stored);
  json::object candidate = body;
  if (patch) {
    candidate = stored_input;
    merge_patch(candidate, body);
  }
  if (!create && stored.at("integration_type") == "MCP") {
    check_discovered_tool_change(body, candidate, stored_input, e);
    auto tags = read_tags(candidate, e);
    auto enabled = opt_bool(candidate, "enabled", e).value_or(true);
    if (!e.empty()) {
      out.kind = WriteOutcome::Kind::invalid;
      return std::nullopt;
    }
    return store::DiscoveredToolWrite{tags_text(tags), enabled};
  }
  const bool keep_credentials =
      patch && !body.contains("credentials") && stored.at("has_credentials") == true &&
      candidate.contains("auth_type") && candidate.at("auth_type") == stored.at("auth_type");
  auto tool = read_tool(candidate, e, keep_credentials);
  if (!tool || !e.empty()) {
    out.kind = WriteOutcome::Kind::invalid;
    return std::nullopt;
  }
  out.conflict_detail = "a tool named '" + tool->name + "' already exists";
  return rest_tool_write(*tool, c.credentials_key);
}

void save_tool(const CatalogContext& c, WriteOutcome& out, const std::string& id,
               const json::object& request, bool create, bool patch) {
  auto saved = c.db.tools().save(id, create, [&](const std::optional<store::ToolRecord>& stored) {
    return decide_tool(c, out, stored, request, create, patch);
  });
  if (saved) out.item = tool_json(*saved);
}

}  // namespace

void register_tool_routes(http::HttpServer& server, const CatalogContext& c) {
  register_read_routes(server, c, "/v1/tools",
                       kFilterName | kFilterTag | kFilterGateway | kFilterIntegrationType,
                       read_items(c.db.tools(), tool_json), "tool");

  register_write_routes(server, c, "/v1/tools", "tool", save_tool);
  register_delete_route(
      server, c, "/v1/tools",
      [&tools = c.db.tools()](const std::string& id) { return tools.remove(id); }, "tool");
}

}  // namespace mcpgw::admin
