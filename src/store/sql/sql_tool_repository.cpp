#include "common/clock.h"
#include "store/sql/keyset.h"
#include "store/sql/repositories.h"

namespace mcpgw::store::sql {
namespace {

const std::string kSelectTools =
    "SELECT id, name, original_name, description, integration_type, request_type, url, "
    "input_schema, output_schema, annotations, headers, timeout_ms, enabled, tags, gateway_id, "
    "auth_type, CASE WHEN auth_secret IS NULL THEN 0 ELSE 1 END AS has_credentials, created_at, "
    "updated_at FROM tools";

ToolRecord read_tool(const Rows::Row& r) {
  ToolRecord t;
  t.id = r.text("id");
  t.name = r.text("name");
  t.original_name = r.text("original_name");
  t.description = r.text("description");
  t.integration_type = r.text("integration_type");
  t.request_type = r.optional_text("request_type");
  t.url = r.optional_text("url");
  t.input_schema = r.optional_text("input_schema");
  t.output_schema = r.optional_text("output_schema");
  t.annotations = r.optional_text("annotations");
  t.headers = r.optional_text("headers");
  t.timeout_ms = r.integer("timeout_ms");
  t.enabled = r.boolean("enabled");
  t.tags = r.optional_text("tags");
  t.gateway_id = r.optional_text("gateway_id");
  t.auth_type = r.text("auth_type");
  t.has_credentials = r.boolean("has_credentials");
  t.created_at = r.optional_integer("created_at");
  t.updated_at = r.optional_integer("updated_at");
  return t;
}

std::optional<ToolRecord> find_tool(Connection& conn, const std::string& id) {
  auto rows = conn.query(kSelectTools + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_tool(rows[0]);
}

// Both take the parameters of write_rest_tool (INSERT leaves ?14 unused).
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
    "auth_secret = CASE CAST(?14 AS INTEGER) WHEN 1 THEN ?15 ELSE auth_secret END WHERE id = ?16";

void write_rest_tool(Connection& conn, bool create, const RestToolWrite& t, const std::string& id) {
  std::optional<Blob> secret;
  if (t.sealed_credentials && *t.sealed_credentials) secret = Blob{**t.sealed_credentials};
  Params p{t.name,
           t.description,
           t.input_schema,
           t.output_schema,
           t.annotations,
           t.request_type,
           t.url,
           t.headers,
           static_cast<std::int64_t>(t.timeout_ms),
           t.auth_type,
           t.tags,
           t.enabled,
           static_cast<std::int64_t>(unix_ms()),
           t.sealed_credentials.has_value(),
           secret,
           id};
  conn.exec(create ? kInsertTool : kUpdateTool, p);
}

void write_discovered_tool(Connection& conn, const DiscoveredToolWrite& t, const std::string& id) {
  conn.exec("UPDATE tools SET tags = ?, enabled = ?, updated_at = ? WHERE id = ?",
            {t.tags, t.enabled, static_cast<std::int64_t>(unix_ms()), id});
}

}  // namespace

std::vector<ToolRecord> SqlToolRepository::page(const ListQuery& lq) {
  auto conn = pool_.acquire();
  const auto k = keyset_sql(lq, conn->engine());
  return conn->query(kSelectTools + k.tail, k.params).map(read_tool);
}

std::optional<ToolRecord> SqlToolRepository::find(const std::string& id) {
  auto conn = pool_.acquire();
  return find_tool(*conn, id);
}

std::optional<ToolRecord> SqlToolRepository::save(const std::string& id, bool create,
                                                  const Decide& decide) {
  auto conn = pool_.acquire();
  Transaction tx(*conn, TxMode::write);
  const auto stored = create ? std::nullopt : find_tool(*conn, id);
  const auto write = decide(stored);
  if (!write) return std::nullopt;
  if (const auto* rest = std::get_if<RestToolWrite>(&*write))
    write_rest_tool(*conn, create, *rest, id);
  else
    write_discovered_tool(*conn, std::get<DiscoveredToolWrite>(*write), id);
  auto saved = find_tool(*conn, id);
  tx.commit();
  return saved;
}

bool SqlToolRepository::remove(const std::string& id) {
  return delete_by_id(pool_, "DELETE FROM tools WHERE id = ?", id);
}

}  // namespace mcpgw::store::sql
