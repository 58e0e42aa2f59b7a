#include "store/sql/keyset.h"

#include <vector>

namespace mcpgw::store::sql {

std::string contains_condition(Engine engine, const std::string& column) {
  return engine == Engine::postgresql ? "strpos(lower(" + column + "), lower(?)) > 0"
                                      : "instr(lower(" + column + "), lower(?)) > 0";
}

KeysetSql keyset_sql(const ListQuery& q, Engine engine) {
  KeysetSql out;
  std::vector<std::string> where;
  if (q.name_contains) {
    where.push_back(contains_condition(engine, "name"));
    out.params.emplace_back(*q.name_contains);
  }
  if (q.tag) {
    // tags is a JSON array kept as text.
    where.emplace_back(engine == Engine::postgresql
                           ? "EXISTS (SELECT 1 FROM jsonb_array_elements_text(tags::jsonb) AS "
                             "t(value) WHERE t.value = ?)"
                           : "EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)");
    out.params.emplace_back(*q.tag);
  }
  if (q.gateway_id) {
    where.emplace_back("gateway_id = ?");
    out.params.emplace_back(*q.gateway_id);
  }
  if (q.integration_type) {
    where.emplace_back("integration_type = ?");
    out.params.emplace_back(*q.integration_type);
  }
  if (q.after) {
    where.emplace_back("(name, id) > (?, ?)");
    out.params.emplace_back(q.after->first);
    out.params.emplace_back(q.after->second);
  }
  for (std::size_t i = 0; i < where.size(); ++i)
    out.tail += (i == 0 ? " WHERE " : " AND ") + where[i];
  out.tail += " ORDER BY name, id LIMIT ?";
  out.params.emplace_back(q.limit);
  return out;
}

}  // namespace mcpgw::store::sql
