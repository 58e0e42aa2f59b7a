#pragma once
// Inside the store: the SQL of a keyset page (store/list_query.h), in either engine's dialect.
#include <string>

#include "store/list_query.h"
#include "store/sql/connection.h"

namespace mcpgw::store::sql {

// The WHERE ... ORDER BY ... LIMIT ? tail of a page query over a table whose sort columns are
// `name` and `id` (with `tags`, `gateway_id` and `integration_type` for the filters that use
// them), and its parameters in order, the limit last. Its text depends only on the engine and on
// which filters are set, so the prepared statement cache stays small.
struct KeysetSql {
  std::string tail;
  Params params;
};
KeysetSql keyset_sql(const ListQuery& q, Engine engine);

// The condition "the column holds needle as an ASCII case-insensitive substring", `?` for the
// needle: instr/strpos, not LIKE, so that the filter's own '%' and '_' match themselves.
std::string contains_condition(Engine engine, const std::string& column);

}  // namespace mcpgw::store::sql
