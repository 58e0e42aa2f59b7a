#include "store/sql/sql_api_token_repository.h"

#include <catch2/catch.hpp>

#include "store/open.h"
#include "support/store_fixture.h"

using namespace mcpgw;

TEST_CASE("API token repository: a taken hash is a store::Conflict", "[store][api_tokens]") {
  test::StoreFixture f;
  store::SqlApiTokenRepository repo(*f.pool);
  store::ApiTokenRecord rec{"i1", "ci", "hash", "mcpgw_ab", "bot", {"mcp"}, {}, 1, {}, {}};
  repo.insert(rec);
  rec.id = "i2";
  CHECK_THROWS_AS(repo.insert(rec), store::Conflict);
  CHECK(repo.find_by_hash("hash")->id == "i1");
  CHECK(repo.list().size() == 1);
}

TEST_CASE("API token repository: pages by (name, id), bytewise, with a name filter",
          "[store][api_tokens]") {
  test::StoreFixture f;
  store::SqlApiTokenRepository repo(*f.pool);
  for (const char* name : {"b", "B", "a_x", "ax"})
    repo.insert({std::string("id-") + name,
                 name,
                 std::string("h-") + name,
                 "p",
                 "bot",
                 {"mcp"},
                 {},
                 1,
                 {},
                 {}});
  store::ApiTokenRepository::PageQuery q;
  q.limit = 2;
  auto first = repo.page(q);
  REQUIRE(first.size() == 2);
  CHECK(first[0].name == "B");  // uppercase sorts first, bytewise, on either engine
  CHECK(first[1].name == "a_x");
  q.after = std::pair{first[1].name, first[1].id};
  auto second = repo.page(q);
  REQUIRE(second.size() == 2);
  CHECK(second[0].name == "ax");
  CHECK(second[1].name == "b");
  store::ApiTokenRepository::PageQuery filtered;
  filtered.name_contains = "_";  // matches itself, not any character
  auto one = repo.page(filtered);
  REQUIRE(one.size() == 1);
  CHECK(one[0].name == "a_x");
}
