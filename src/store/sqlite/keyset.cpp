#include "store/sqlite/keyset.h"

#include <SQLiteCpp/Statement.h>

namespace mcpgw::store::sqlite {

KeysetSql keyset_sql(const ListQuery& q) {
  KeysetSql out;
  std::vector<std::string> where;
  // instr, not LIKE: the filter's own '%' and '_' match themselves.
  if (q.name_contains) {
    where.emplace_back("instr(lower(name), lower(?)) > 0");
    out.binds.push_back(*q.name_contains);
  }
  if (q.tag) {
    where.emplace_back("EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)");
    out.binds.push_back(*q.tag);
  }
  if (q.gateway_id) {
    where.emplace_back("gateway_id = ?");
    out.binds.push_back(*q.gateway_id);
  }
  if (q.integration_type) {
    where.emplace_back("integration_type = ?");
    out.binds.push_back(*q.integration_type);
  }
  if (q.after) {
    where.emplace_back("(name, id) > (?, ?)");
    out.binds.push_back(q.after->first);
    out.binds.push_back(q.after->second);
  }
  for (std::size_t i = 0; i < where.size(); ++i)
    out.tail += (i == 0 ? " WHERE " : " AND ") + where[i];
  out.tail += " ORDER BY name, id LIMIT ?";
  out.limit = q.limit;
  return out;
}

void bind_keyset(SQLite::Statement& q, const KeysetSql& k) {
  int i = 1;
  for (const auto& b : k.binds)
    q.bind(i++, b);
  q.bind(i, k.limit);
}

}  // namespace mcpgw::store::sqlite
