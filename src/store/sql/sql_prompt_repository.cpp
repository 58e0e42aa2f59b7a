#include "common/clock.h"
#include "store/sql/keyset.h"
#include "store/sql/repositories.h"

namespace mcpgw::store::sql {
namespace {

const std::string kSelectPrompts =
    "SELECT id, name, original_name, description, arguments, gateway_id, enabled FROM prompts";

PromptRecord read_prompt(const Rows::Row& q) {
  PromptRecord r;
  r.id = q.text("id");
  r.name = q.text("name");
  r.original_name = q.text("original_name");
  r.description = q.text("description");
  r.arguments = q.optional_text("arguments");
  r.gateway_id = q.optional_text("gateway_id");
  r.enabled = q.boolean("enabled");
  return r;
}

std::optional<PromptRecord> find_prompt(Connection& conn, const std::string& id) {
  const auto rows = conn.query(kSelectPrompts + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_prompt(rows[0]);
}

}  // namespace

std::vector<PromptRecord> SqlPromptRepository::page(const ListQuery& lq) {
  auto conn = pool_.acquire();
  const auto k = keyset_sql(lq, conn->engine());
  return conn->query(kSelectPrompts + k.tail, k.params).map(read_prompt);
}

std::optional<PromptRecord> SqlPromptRepository::find(const std::string& id) {
  auto conn = pool_.acquire();
  return find_prompt(*conn, id);
}

std::optional<PromptRecord> SqlPromptRepository::set_enabled(const std::string& id, bool enabled) {
  auto conn = pool_.acquire();
  Transaction tx(*conn, TxMode::write);
  if (conn->exec("UPDATE prompts SET enabled = ?, updated_at = ? WHERE id = ?",
                 {enabled, static_cast<std::int64_t>(unix_ms()), id}) != 1)
    return std::nullopt;
  auto r = find_prompt(*conn, id);
  tx.commit();
  return r;
}

}  // namespace mcpgw::store::sql
