#include "common/clock.h"
#include "store/sql/keyset.h"
#include "store/sql/repositories.h"

namespace mcpgw::store::sql {
namespace {

const std::string kSelectPolicies =
    "SELECT id, name, description, priority, enabled, rule, created_at, updated_at FROM policies";

PolicyRecord read_policy(const Rows::Row& r) {
  PolicyRecord p;
  p.id = r.text("id");
  p.name = r.text("name");
  p.description = r.text("description");
  p.priority = r.integer("priority");
  p.enabled = r.boolean("enabled");
  p.rule = r.text("rule");
  p.created_at = r.integer("created_at");
  p.updated_at = r.integer("updated_at");
  return p;
}

std::optional<PolicyRecord> find_policy(Connection& conn, const std::string& id) {
  const auto rows = conn.query(kSelectPolicies + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_policy(rows[0]);
}

}  // namespace

std::vector<PolicyRecord> SqlPolicyRepository::page(const ListQuery& lq) {
  auto conn = pool_.acquire();
  const auto k = keyset_sql(lq, conn->engine());
  return conn->query(kSelectPolicies + k.tail, k.params).map(read_policy);
}

std::optional<PolicyRecord> SqlPolicyRepository::find(const std::string& id) {
  auto conn = pool_.acquire();
  return find_policy(*conn, id);
}

std::optional<PolicyRecord> SqlPolicyRepository::save(const std::string& id, bool create,
                                                      const Decide& decide) {
  auto conn = pool_.acquire();
  Transaction tx(*conn, TxMode::write);
  const auto stored = create ? std::nullopt : find_policy(*conn, id);
  const auto w = decide(stored, [&conn](const std::string& server) {
    return !conn->query("SELECT 1 FROM servers WHERE id = ?", {server}).empty();
  });
  if (!w) return std::nullopt;
  conn->exec(create ? "INSERT INTO policies(name, description, priority, enabled, rule, "
                      "updated_at, id, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6)"
                    : "UPDATE policies SET name = ?1, description = ?2, priority = ?3, "
                      "enabled = ?4, rule = ?5, updated_at = ?6 WHERE id = ?7",
             {w->name, w->description, w->priority, w->enabled, w->rule,
              static_cast<std::int64_t>(unix_ms()), id});
  auto saved = find_policy(*conn, id);
  tx.commit();
  return saved;
}

bool SqlPolicyRepository::remove(const std::string& id) {
  return delete_by_id(pool_, "DELETE FROM policies WHERE id = ?", id);
}

}  // namespace mcpgw::store::sql
