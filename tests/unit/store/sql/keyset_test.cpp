#include "store/sql/keyset.h"

#include <catch2/catch.hpp>

using namespace mcpgw::store;

namespace {
// The parameters as text, integers in decimal.
std::vector<std::string> texts(const sql::Params& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps)
    out.push_back(p.kind() == sql::Param::Kind::integer ? std::to_string(p.integer()) : p.bytes());
  return out;
}
}  // namespace

TEST_CASE("keyset SQL: fixed clause order, parameters in order, the limit last", "[store][list]") {
  ListQuery q;
  q.limit = 101;
  auto s = sql::keyset_sql(q, sql::Engine::sqlite);
  CHECK(s.tail == " ORDER BY name, id LIMIT ?");
  CHECK(texts(s.params) == std::vector<std::string>{"101"});

  q.limit = 4;
  q.name_contains = "we";
  q.integration_type = "REST";
  q.after = std::pair<std::string, std::string>{"n", "i"};
  s = sql::keyset_sql(q, sql::Engine::sqlite);
  CHECK(s.tail ==
        " WHERE instr(lower(name), lower(?)) > 0 AND integration_type = ? AND (name, id) > (?, ?)"
        " ORDER BY name, id LIMIT ?");
  CHECK(texts(s.params) == std::vector<std::string>{"we", "REST", "n", "i", "4"});

  ListQuery all;
  all.tag = "t";
  all.gateway_id = "g";
  s = sql::keyset_sql(all, sql::Engine::sqlite);
  CHECK(s.tail ==
        " WHERE EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?) AND gateway_id = ?"
        " ORDER BY name, id LIMIT ?");
  CHECK(texts(s.params) == std::vector<std::string>{"t", "g", "100"});
}

TEST_CASE("keyset SQL in PostgreSQL's dialect", "[store][list]") {
  ListQuery q;
  q.name_contains = "we";
  q.tag = "t";
  const auto s = sql::keyset_sql(q, sql::Engine::postgresql);
  CHECK(s.tail ==
        " WHERE strpos(lower(name), lower(?)) > 0 AND EXISTS (SELECT 1 FROM "
        "jsonb_array_elements_text(tags::jsonb) AS t(value) WHERE t.value = ?)"
        " ORDER BY name, id LIMIT ?");
  CHECK(texts(s.params) == std::vector<std::string>{"we", "t", "100"});
}

TEST_CASE("placeholders become PostgreSQL's $N, literals untouched", "[store]") {
  CHECK(sql::numbered_placeholders("SELECT ? , ?") == "SELECT $1 , $2");
  CHECK(sql::numbered_placeholders("VALUES(?1,?1,?12)") == "VALUES($1,$1,$12)");
  CHECK(sql::numbered_placeholders("WHERE a = '?' AND \"b?\" = ?") ==
        "WHERE a = '?' AND \"b?\" = $1");
  CHECK(sql::numbered_placeholders("x = 'it''s ?' OR y = ?") == "x = 'it''s ?' OR y = $1");
}
