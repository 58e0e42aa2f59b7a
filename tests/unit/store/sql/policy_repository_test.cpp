#include <catch2/catch.hpp>

#include "support/store_fixture.h"

using namespace mcpgw;

namespace {
store::PolicyWrite policy(std::string name, std::int64_t priority, bool enabled = true) {
  return {std::move(name), "d", priority, enabled, R"({"effect":"deny","tools":["*"]})"};
}
}  // namespace

TEST_CASE("policy repository: writes, pages, and the catalog reads the enabled ones",
          "[store][policies]") {
  test::StoreFixture f;
  auto& policies = f.db->policies();
  auto saved = policies.save("p1", true, [](const auto& stored, const auto&) {
    CHECK_FALSE(stored);
    return std::optional(policy("zeta", 5));
  });
  REQUIRE(saved);
  CHECK(saved->priority == 5);
  CHECK(saved->enabled);
  CHECK(saved->created_at > 0);
  REQUIRE(policies.save("p2", true, [](const auto&, const auto&) {
    return std::optional(policy("alpha", -3, false));
  }));
  // The name is unique.
  CHECK_THROWS_AS(
      policies.save("p3", true,
                    [](const auto&, const auto&) { return std::optional(policy("alpha", 1)); }),
      store::Conflict);
  // Update sees the stored row; writing nothing leaves it.
  auto updated = policies.save("p1", false, [](const auto& stored, const auto&) {
    REQUIRE(stored);
    CHECK(stored->name == "zeta");
    auto w = policy("zeta", 7);
    w.rule = R"({"effect":"allow","tools":["x"]})";
    return std::optional(w);
  });
  REQUIRE(updated);
  CHECK(updated->rule == R"({"effect":"allow","tools":["x"]})");
  CHECK_FALSE(policies.save(
      "p1", false, [](const auto&, const auto&) { return std::optional<store::PolicyWrite>(); }));
  CHECK_FALSE(policies.save("nope", false, [](const auto& stored, const auto&) {
    CHECK_FALSE(stored);
    return std::optional<store::PolicyWrite>();
  }));

  store::ListQuery q;
  const auto page = policies.page(q);
  REQUIRE(page.size() == 2);
  CHECK(page[0].name == "alpha");
  CHECK(page[1].name == "zeta");

  const auto rows = f.db->reader().read_catalog();
  REQUIRE(rows.policies.size() == 1);  // alpha is disabled
  CHECK(rows.policies[0].id == "p1");
  CHECK(rows.policies[0].priority == 7);

  CHECK(policies.remove("p1"));
  CHECK_FALSE(policies.remove("p1"));
  CHECK_FALSE(policies.find("p1"));
}
