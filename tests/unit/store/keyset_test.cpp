#include "store/sqlite/keyset.h"

#include <catch2/catch.hpp>

using namespace mcpgw::store;

TEST_CASE("keyset SQL: fixed clause order, binds in order, the limit as asked", "[store][list]") {
  ListQuery q;
  q.limit = 101;
  auto s = sqlite::keyset_sql(q);
  CHECK(s.tail == " ORDER BY name, id LIMIT ?");
  CHECK(s.binds.empty());
  CHECK(s.limit == 101);

  q.limit = 4;
  q.name_contains = "we";
  q.integration_type = "REST";
  q.after = std::pair<std::string, std::string>{"n", "i"};
  s = sqlite::keyset_sql(q);
  CHECK(s.tail ==
        " WHERE instr(lower(name), lower(?)) > 0 AND integration_type = ? AND (name, id) > (?, ?)"
        " ORDER BY name, id LIMIT ?");
  CHECK(s.binds == std::vector<std::string>{"we", "REST", "n", "i"});
  CHECK(s.limit == 4);

  ListQuery all;
  all.tag = "t";
  all.gateway_id = "g";
  s = sqlite::keyset_sql(all);
  CHECK(s.tail ==
        " WHERE EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?) AND gateway_id = ?"
        " ORDER BY name, id LIMIT ?");
  CHECK(s.binds == std::vector<std::string>{"t", "g"});
}
