#include <SQLiteCpp/SQLiteCpp.h>

#include "store/sqlite/repositories.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store::sqlite {
namespace {

std::vector<GatewayRow> read_gateways(ConnectionPool::Lease& db) {
  auto& q = db.prepare(
      "SELECT id, name, url, headers, auth_secret, timeout_ms, updated_at, slug, protocol_version "
      "FROM gateways "
      "WHERE enabled = 1");
  return all_rows(q, [](const SQLite::Statement& r) {
    GatewayRow g;
    g.id = r.getColumn("id").getString();
    g.name = r.getColumn("name").getString();
    g.slug = r.getColumn("slug").getString();
    g.url = r.getColumn("url").getString();
    g.headers = r.getColumn("headers").getString();
    g.sealed_credentials = optional_text(r.getColumn("auth_secret"));
    g.timeout_ms = r.getColumn("timeout_ms").getInt64();
    g.updated_at = r.getColumn("updated_at").getInt64();
    g.protocol_version = optional_text(r.getColumn("protocol_version")).value_or("");
    return g;
  });
}

std::vector<ToolRow> read_tools(ConnectionPool::Lease& db) {
  auto& q = db.prepare(
      "SELECT id, name, description, input_schema, output_schema, annotations, "
      "integration_type, request_type, url, headers, timeout_ms, auth_secret, definition, "
      "gateway_id, original_name FROM tools WHERE enabled = 1");
  return all_rows(q, [](const SQLite::Statement& r) {
    ToolRow t;
    t.id = r.getColumn("id").getString();
    t.name = r.getColumn("name").getString();
    t.original_name = r.getColumn("original_name").getString();
    t.description = r.getColumn("description").getString();
    t.integration_type = r.getColumn("integration_type").getString();
    t.input_schema = r.getColumn("input_schema").getString();
    t.output_schema = optional_text(r.getColumn("output_schema"));
    t.annotations = r.getColumn("annotations").getString();
    t.request_type = optional_text(r.getColumn("request_type"));
    t.url = r.getColumn("url").getString();
    t.headers = r.getColumn("headers").getString();
    t.timeout_ms = r.getColumn("timeout_ms").getInt64();
    t.sealed_credentials = optional_text(r.getColumn("auth_secret"));
    t.definition = optional_text(r.getColumn("definition"));
    t.gateway_id = optional_text(r.getColumn("gateway_id"));
    return t;
  });
}

std::vector<ResourceRow> read_resources(ConnectionPool::Lease& db) {
  auto& q = db.prepare(
      "SELECT id, uri, name, description, mime_type, is_template, definition, gateway_id, "
      "original_uri FROM resources WHERE enabled = 1");
  return all_rows(q, [](const SQLite::Statement& r) {
    ResourceRow res;
    res.id = r.getColumn("id").getString();
    res.uri = r.getColumn("uri").getString();
    res.original_uri = r.getColumn("original_uri").getString();
    res.name = r.getColumn("name").getString();
    res.description = r.getColumn("description").getString();
    res.mime_type = optional_text(r.getColumn("mime_type"));
    res.is_template = r.getColumn("is_template").getInt() != 0;
    res.definition = optional_text(r.getColumn("definition"));
    res.gateway_id = optional_text(r.getColumn("gateway_id"));
    return res;
  });
}

std::vector<PromptRow> read_prompts(ConnectionPool::Lease& db) {
  auto& q = db.prepare(
      "SELECT id, name, description, arguments, definition, gateway_id, original_name FROM "
      "prompts WHERE enabled = 1");
  return all_rows(q, [](const SQLite::Statement& r) {
    PromptRow p;
    p.id = r.getColumn("id").getString();
    p.name = r.getColumn("name").getString();
    p.original_name = r.getColumn("original_name").getString();
    p.description = r.getColumn("description").getString();
    p.arguments = r.getColumn("arguments").getString();
    p.definition = optional_text(r.getColumn("definition"));
    p.gateway_id = optional_text(r.getColumn("gateway_id"));
    return p;
  });
}

void read_servers(ConnectionPool::Lease& db, CatalogRows& out) {
  auto& q = db.prepare("SELECT id, name, expose_original_names FROM servers");
  out.servers = all_rows(q, [](const SQLite::Statement& r) {
    return ServerRow{r.getColumn("id").getString(), r.getColumn("name").getString(),
                     r.getColumn("expose_original_names").getInt() != 0};
  });
  auto& m = db.prepare(
      "SELECT server_id, tool_id AS item_id FROM server_tools UNION ALL "
      "SELECT server_id, resource_id FROM server_resources UNION ALL "
      "SELECT server_id, prompt_id FROM server_prompts");
  out.memberships = all_rows(m, [](const SQLite::Statement& r) {
    return std::pair{r.getColumn("server_id").getString(), r.getColumn("item_id").getString()};
  });
}

}  // namespace

CatalogRows SqliteCatalogReader::read_catalog() {
  return translated([&] {
    auto db = pool_.acquire();
    // One read transaction: every list is of the same committed state.
    SQLite::Transaction tx(*db);
    CatalogRows out;
    out.gateways = read_gateways(db);
    out.tools = read_tools(db);
    out.resources = read_resources(db);
    out.prompts = read_prompts(db);
    read_servers(db, out);
    tx.commit();
    return out;
  });
}

}  // namespace mcpgw::store::sqlite
