#pragma once
// Inside the SQLite engine: the SQL of a keyset page (store/list_query.h).
#include <string>
#include <vector>

#include "store/list_query.h"

namespace SQLite {
class Statement;
}

namespace mcpgw::store::sqlite {

// The WHERE ... ORDER BY ... LIMIT ? tail of a page query over a table whose sort columns are
// `name` and `id` (with `tags`, `gateway_id` and `integration_type` for the filters that use
// them), with the values to bind in order before the limit. Its text depends only on which
// filters are set, so the prepared statement cache stays small.
struct KeysetSql {
  std::string tail;
  std::vector<std::string> binds;
  int limit = 0;
};
KeysetSql keyset_sql(const ListQuery& q);

// Binds k's values and limit to q (prepared from a SELECT followed by k.tail).
void bind_keyset(SQLite::Statement& q, const KeysetSql& k);

}  // namespace mcpgw::store::sqlite
