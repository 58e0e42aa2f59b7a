#include "common/clock.h"
#include "store/sql/keyset.h"
#include "store/sql/repositories.h"

namespace mcpgw::store::sql {
namespace {

const std::string kSelectResources =
    "SELECT id, uri, original_uri, name, description, mime_type, is_template, gateway_id, "
    "enabled FROM resources";

ResourceRecord read_resource(const Rows::Row& q) {
  ResourceRecord r;
  r.id = q.text("id");
  r.uri = q.text("uri");
  r.original_uri = q.text("original_uri");
  r.name = q.text("name");
  r.description = q.text("description");
  r.mime_type = q.optional_text("mime_type");
  r.is_template = q.boolean("is_template");
  r.gateway_id = q.optional_text("gateway_id");
  r.enabled = q.boolean("enabled");
  return r;
}

std::optional<ResourceRecord> find_resource(Connection& conn, const std::string& id) {
  const auto rows = conn.query(kSelectResources + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_resource(rows[0]);
}

}  // namespace

std::vector<ResourceRecord> SqlResourceRepository::page(const ListQuery& lq) {
  auto conn = pool_.acquire();
  const auto k = keyset_sql(lq, conn->engine());
  return conn->query(kSelectResources + k.tail, k.params).map(read_resource);
}

std::optional<ResourceRecord> SqlResourceRepository::find(const std::string& id) {
  auto conn = pool_.acquire();
  return find_resource(*conn, id);
}

std::optional<ResourceRecord> SqlResourceRepository::set_enabled(const std::string& id,
                                                                 bool enabled) {
  auto conn = pool_.acquire();
  Transaction tx(*conn, TxMode::write);
  if (conn->exec("UPDATE resources SET enabled = ?, updated_at = ? WHERE id = ?",
                 {enabled, static_cast<std::int64_t>(unix_ms()), id}) != 1)
    return std::nullopt;
  auto r = find_resource(*conn, id);
  tx.commit();
  return r;
}

}  // namespace mcpgw::store::sql
