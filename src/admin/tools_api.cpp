// /v1/tools: REST tools are the admin's; tools of upstream MCP servers (gateway_id set) come from
// discovery, and only their enabled flag and tags are the admin's.
#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "admin/tool_input.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::RequestContext;
using http::Response;

namespace {

const std::string kSelectTools =
    "SELECT id, name, original_name, description, integration_type, request_type, url, "
    "input_schema, output_schema, annotations, headers, timeout_ms, enabled, tags, gateway_id, "
    "auth_type, auth_secret IS NOT NULL, created_at, updated_at FROM tools";

json::object tool_json(SQLite::Statement& q, store::ConnectionPool::Lease&) {
  return json::object{{"id", q.getColumn(0).getString()},
                      {"name", q.getColumn(1).getString()},
                      {"original_name", q.getColumn(2).getString()},
                      {"description", q.getColumn(3).getString()},
                      {"integration_type", q.getColumn(4).getString()},
                      {"request_type", text_or_null(q.getColumn(5))},
                      {"url", text_or_null(q.getColumn(6))},
                      {"input_schema", json_column(q.getColumn(7))},
                      {"output_schema", json_column(q.getColumn(8))},
                      {"annotations", json_column(q.getColumn(9))},
                      {"headers", json_column(q.getColumn(10))},
                      {"timeout_ms", q.getColumn(11).getInt64()},
                      {"enabled", q.getColumn(12).getInt() != 0},
                      {"tags", json_column(q.getColumn(13))},
                      {"gateway_id", text_or_null(q.getColumn(14))},
                      {"auth_type", q.getColumn(15).getString()},
                      {"has_credentials", q.getColumn(16).getInt() != 0},
                      {"created_at", time_or_null(q.getColumn(17))},
                      {"updated_at", time_or_null(q.getColumn(18))}};
}

std::string tags_text(const std::vector<std::string>& tags) {
  return json::serialize(json::value_from(tags));
}

// Both take bind_tool's numbered parameters (INSERT leaves ?14 unused).
constexpr const char* kInsertTool =
    "INSERT INTO tools(name, original_name, description, input_schema, output_schema, "
    "annotations, request_type, url, headers, timeout_ms, auth_type, tags, enabled, updated_at, "
    "auth_secret, id, created_at, integration_type) "
    "VALUES(?1,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?15,?16,?13,'REST')";
// ?14: 1 to set auth_secret to ?15 (NULL clears it), 0 to keep it.
constexpr const char* kUpdateTool =
    "UPDATE tools SET name = ?1, original_name = ?1, description = ?2, input_schema = ?3, "
    "output_schema = ?4, annotations = ?5, request_type = ?6, url = ?7, headers = ?8, "
    "timeout_ms = ?9, auth_type = ?10, tags = ?11, enabled = ?12, updated_at = ?13, "
    "auth_secret = CASE ?14 WHEN 1 THEN ?15 ELSE auth_secret END WHERE id = ?16";

void bind_tool(SQLite::Statement& q, const ToolInput& t, const std::string& id,
               const std::string& credentials_key) {
  q.bind(1, t.name);
  q.bind(2, t.description);
  q.bind(3, json::serialize(t.input_schema));
  if (t.output_schema)
    q.bind(4, json::serialize(*t.output_schema));
  else
    q.bind(4);
  q.bind(5, json::serialize(t.annotations));
  q.bind(6, t.request_type);
  q.bind(7, t.url);
  q.bind(8, json::serialize(t.headers));
  q.bind(9, static_cast<int64_t>(t.timeout_ms));
  q.bind(10, t.auth_type);
  q.bind(11, tags_text(t.tags));
  q.bind(12, t.enabled ? 1 : 0);
  q.bind(13, static_cast<int64_t>(unix_ms()));
  // Credentials are replaced when given, dropped with auth_type none, else kept.
  const bool set_secret = t.credentials || t.auth_type == "none";
  q.bind(14, set_secret ? 1 : 0);
  if (t.credentials) {
    const std::string sealed = crypto::seal(credentials_key, json::serialize(*t.credentials));
    q.bind(15, sealed.data(), static_cast<int>(sealed.size()));  // a BLOB, never text
  } else {
    q.bind(15);
  }
  q.bind(16, id);
}

// POST (no stored tool), PUT and PATCH, in one transaction with the read of the stored tool.
void save_tool(const CatalogContext& c, WriteOutcome& out, const std::string& id,
               const json::object& request, bool create, bool patch) {
  auto conn = c.db.acquire();
  // IMMEDIATE: the write lock from the start, so that the read below is of the state the write
  // replaces (a deferred transaction could fail to upgrade after a concurrent commit).
  SQLite::Transaction tx(*conn, SQLite::TransactionBehavior::IMMEDIATE);
  json::object body = request;
  FieldErrors& e = out.errors;
  json::object stored;
  if (!create) {
    stored = select_one(conn, kSelectTools, id, tool_json);
    if (stored.empty()) {
      out.kind = WriteOutcome::Kind::not_found;
      return;
    }
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
      return;
    }
    auto& q = conn.prepare("UPDATE tools SET tags = ?, enabled = ?, updated_at = ? WHERE id = ?");
    q.bind(1, tags_text(tags));
    q.bind(2, enabled ? 1 : 0);
    q.bind(3, static_cast<int64_t>(unix_ms()));
    q.bind(4, id);
    q.exec();
  } else {
    const bool keep_credentials =
        patch && !body.contains("credentials") && stored.at("has_credentials") == true &&
        candidate.contains("auth_type") && candidate.at("auth_type") == stored.at("auth_type");
    auto tool = read_tool(candidate, e, keep_credentials);
    if (!tool || !e.empty()) {
      out.kind = WriteOutcome::Kind::invalid;
      return;
    }
    out.conflict_detail = "a tool named '" + tool->name + "' already exists";
    auto& q = conn.prepare(create ? kInsertTool : kUpdateTool);
    bind_tool(q, *tool, id, c.credentials_key);
    q.exec();
  }
  out.item = select_one(conn, kSelectTools, id, tool_json);
  tx.commit();
}

}  // namespace

void register_tool_routes(http::HttpServer& server, const CatalogContext& c) {
  register_read_routes(server, c, "/v1/tools",
                       kFilterName | kFilterTag | kFilterGateway | kFilterIntegrationType,
                       kSelectTools, tool_json, "tool");

  register_write_routes(server, c, "/v1/tools", "tool", save_tool);
  register_delete_route(server, c, "/v1/tools", "tools", "tool");
}

}  // namespace mcpgw::admin
