#include "store/sql/repositories.h"

namespace mcpgw::store::sql {
namespace {

std::vector<GatewayRow> read_gateways(Connection& db) {
  return db
      .query(
          "SELECT id, name, url, headers, auth_secret, timeout_ms, updated_at, slug, "
          "protocol_version FROM gateways WHERE enabled = 1")
      .map([](const Rows::Row& r) {
        GatewayRow g;
        g.id = r.text("id");
        g.name = r.text("name");
        g.slug = r.text("slug");
        g.url = r.text("url");
        g.headers = r.text("headers");
        g.sealed_credentials = r.optional_text("auth_secret");
        g.timeout_ms = r.integer("timeout_ms");
        g.updated_at = r.integer("updated_at");
        g.protocol_version = r.text("protocol_version");
        return g;
      });
}

std::vector<ToolRow> read_tools(Connection& db) {
  return db
      .query(
          "SELECT id, name, description, input_schema, output_schema, annotations, "
          "integration_type, request_type, url, headers, timeout_ms, auth_secret, definition, "
          "gateway_id, original_name FROM tools WHERE enabled = 1")
      .map([](const Rows::Row& r) {
        ToolRow t;
        t.id = r.text("id");
        t.name = r.text("name");
        t.original_name = r.text("original_name");
        t.description = r.text("description");
        t.integration_type = r.text("integration_type");
        t.input_schema = r.text("input_schema");
        t.output_schema = r.optional_text("output_schema");
        t.annotations = r.text("annotations");
        t.request_type = r.optional_text("request_type");
        t.url = r.text("url");
        t.headers = r.text("headers");
        t.timeout_ms = r.integer("timeout_ms");
        t.sealed_credentials = r.optional_text("auth_secret");
        t.definition = r.optional_text("definition");
        t.gateway_id = r.optional_text("gateway_id");
        return t;
      });
}

std::vector<ResourceRow> read_resources(Connection& db) {
  return db
      .query(
          "SELECT id, uri, name, description, mime_type, is_template, definition, gateway_id, "
          "original_uri FROM resources WHERE enabled = 1")
      .map([](const Rows::Row& r) {
        ResourceRow res;
        res.id = r.text("id");
        res.uri = r.text("uri");
        res.original_uri = r.text("original_uri");
        res.name = r.text("name");
        res.description = r.text("description");
        res.mime_type = r.optional_text("mime_type");
        res.is_template = r.boolean("is_template");
        res.definition = r.optional_text("definition");
        res.gateway_id = r.optional_text("gateway_id");
        return res;
      });
}

std::vector<PromptRow> read_prompts(Connection& db) {
  return db
      .query(
          "SELECT id, name, description, arguments, definition, gateway_id, original_name FROM "
          "prompts WHERE enabled = 1")
      .map([](const Rows::Row& r) {
        PromptRow p;
        p.id = r.text("id");
        p.name = r.text("name");
        p.original_name = r.text("original_name");
        p.description = r.text("description");
        p.arguments = r.text("arguments");
        p.definition = r.optional_text("definition");
        p.gateway_id = r.optional_text("gateway_id");
        return p;
      });
}

void read_servers(Connection& db, CatalogRows& out) {
  out.servers =
      db.query("SELECT id, name, expose_original_names FROM servers").map([](const Rows::Row& r) {
        return ServerRow{r.text("id"), r.text("name"), r.boolean("expose_original_names")};
      });
  out.memberships = db.query(
                          "SELECT server_id, tool_id AS item_id FROM server_tools UNION ALL "
                          "SELECT server_id, resource_id FROM server_resources UNION ALL "
                          "SELECT server_id, prompt_id FROM server_prompts")
                        .map([](const Rows::Row& r) {
                          return std::pair{r.text("server_id"), r.text("item_id")};
                        });
}

}  // namespace

CatalogRows SqlCatalogReader::read_catalog() {
  auto db = pool_.acquire();
  // One read transaction: every list is of the same committed state.
  Transaction tx(*db, TxMode::read);
  CatalogRows out;
  out.gateways = read_gateways(*db);
  out.tools = read_tools(*db);
  out.resources = read_resources(*db);
  out.prompts = read_prompts(*db);
  read_servers(*db, out);
  out.policies =
      db->query("SELECT id, name, priority, rule FROM policies WHERE enabled = 1")
          .map([](const Rows::Row& r) {
            return PolicyRow{r.text("id"), r.text("name"), r.integer("priority"), r.text("rule")};
          });
  out.epoch = db->query("SELECT n FROM catalog_epoch WHERE id = 1")[0].integer("n");
  tx.commit();
  return out;
}

void SqlCatalogReader::mark_changed() {
  pool_.acquire()->exec("UPDATE catalog_epoch SET n = n + 1 WHERE id = 1");
}

}  // namespace mcpgw::store::sql
