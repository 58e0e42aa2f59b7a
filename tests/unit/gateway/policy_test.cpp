// Per-item policies: who they apply to, what they cover, and what lists and lookups show under
// them (first rule by priority decides; none: allowed).
#include "gateway/policy.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "gateway/catalog.h"

using namespace mcpgw::gateway;
namespace json = boost::json;
using Catch::Matchers::Contains;

namespace {

CatalogItem item(std::string key) {
  return {key + "-id", key, json::object{{"name", key}}, {}, nullptr, nullptr};
}

Policy rule(std::string name, bool allow, std::vector<std::string> tools, std::int64_t priority) {
  Policy p;
  p.id = name + "-id";
  p.name = std::move(name);
  p.allow = allow;
  p.tools = std::move(tools);
  p.priority = priority;
  return p;
}

Catalog sample(std::vector<Policy> policies) {
  Catalog c;
  c.tools = {item("gh__delete_repo"), item("gh__list_repos"), item("weather")};
  c.prompts = {item("summary")};
  c.servers["ops"] = {"ops", "ops", {"gh__delete_repo-id", "weather-id"}, false, {}, {}, {}, {}};
  c.policies = std::move(policies);
  normalize(c);
  return c;
}

Scope as(std::string subject, std::vector<std::string> scopes = {"mcp"},
         std::shared_ptr<const json::object> claims = nullptr) {
  Scope s;
  s.caller = {std::move(subject), std::move(scopes), std::move(claims)};
  return s;
}

std::vector<std::string> tools(const Catalog& c, const Scope& s) {
  std::vector<std::string> out;
  for (const auto* i : visible(c, ItemKind::tool, s))
    out.push_back(i->key);
  return out;
}

}  // namespace

TEST_CASE("policy: glob patterns", "[policy]") {
  CHECK(glob_match("*", ""));
  CHECK(glob_match("*", "anything"));
  CHECK(glob_match("gh__*", "gh__list"));
  CHECK_FALSE(glob_match("gh__*", "gl__list"));
  CHECK(glob_match("*__delete_*", "gh__delete_repo"));
  CHECK(glob_match("a*b*c", "aXbYc"));
  CHECK_FALSE(glob_match("a*b*c", "aXbY"));
  CHECK(glob_match("exact", "exact"));
  CHECK_FALSE(glob_match("exact", "exact2"));
  CHECK_FALSE(glob_match("", "x"));
  // Many stars against a long miss: no blow-up (one backtrack point).
  std::string stars(200, '*');
  stars.push_back('b');
  const std::string as(5000, 'a');
  CHECK_FALSE(glob_match(stars, as));
}

TEST_CASE("policy: who a rule applies to", "[policy]") {
  Policy p = rule("r", true, {"*"}, 1);
  CHECK(p.applies_to({"anyone", {}, nullptr}));
  p.subjects = {"alice", "bob"};
  CHECK(p.applies_to({"bob", {}, nullptr}));
  CHECK_FALSE(p.applies_to({"carol", {}, nullptr}));
  p.subjects.clear();
  p.scopes = {"admin"};
  CHECK(p.applies_to({"x", {"mcp", "admin"}, nullptr}));
  CHECK_FALSE(p.applies_to({"x", {"mcp"}, nullptr}));
  p.scopes.clear();
  p.claims = {{"realm_access.roles", "ops"}, {"tenant", "acme"}};
  auto claims = std::make_shared<const json::object>(
      json::parse(R"({"realm_access":{"roles":["dev","ops"]},"tenant":"acme"})").as_object());
  CHECK(p.applies_to({"x", {}, claims}));
  auto other = std::make_shared<const json::object>(
      json::parse(R"({"realm_access":{"roles":["dev"]},"tenant":"acme"})").as_object());
  CHECK_FALSE(p.applies_to({"x", {}, other}));
  CHECK_FALSE(p.applies_to({"x", {}, nullptr}));  // an API token has no claims
}

TEST_CASE("policy: the first rule that covers an item decides, lists and lookups alike",
          "[policy]") {
  // Ops may delete; nobody else may. Bob may use nothing but weather.
  Policy ops = rule("ops-may-delete", true, {"*__delete_*"}, 10);
  ops.subjects = {"olga"};
  Policy nobody = rule("nobody-deletes", false, {"*__delete_*"}, 20);
  Policy bob_weather = rule("bob-weather", true, {"weather"}, 5);
  bob_weather.subjects = {"bob"};
  Policy bob_rest = rule("bob-nothing-else", false, {"*"}, 6);
  bob_rest.subjects = {"bob"};
  const Catalog c = sample({nobody, ops, bob_rest, bob_weather});  // normalize() orders them

  CHECK(tools(c, as("olga")) ==
        std::vector<std::string>{"gh__delete_repo", "gh__list_repos", "weather"});
  CHECK(tools(c, as("alice")) == std::vector<std::string>{"gh__list_repos", "weather"});
  CHECK(tools(c, as("bob")) == std::vector<std::string>{"weather"});
  CHECK(find_tool(c, "gh__delete_repo", as("olga")));
  CHECK_FALSE(find_tool(c, "gh__delete_repo", as("alice")));
  CHECK_FALSE(find_tool(c, "gh__list_repos", as("bob")));
  CHECK(find_tool(c, "weather", as("bob")));
  // Prompts are not covered by any rule: allowed.
  CHECK(find_item(c, ItemKind::prompt, "summary", as("bob")));
}

TEST_CASE("policy: a server's rule covers its items on every endpoint", "[policy]") {
  Policy p = rule("no-ops-tools-for-guests", false, {"*"}, 1);
  p.server_id = "ops";
  p.scopes = {"guest"};
  const Catalog c = sample({p});
  const auto guest = as("g", {"mcp", "guest"});
  CHECK(tools(c, guest) == std::vector<std::string>{"gh__list_repos"});  // on /mcp too
  Scope on_ops = guest;
  on_ops.server = "ops";
  CHECK(tools(c, on_ops).empty());
  CHECK(tools(c, as("member")) ==
        std::vector<std::string>{"gh__delete_repo", "gh__list_repos", "weather"});
}

TEST_CASE("policy: list changes are told per caller only when there are policies", "[policy]") {
  const Catalog none = sample({});
  const Catalog some = sample({rule("r", false, {"weather"}, 1)});
  CHECK(same_view(none, as("a"), as("b")));
  CHECK_FALSE(same_view(some, as("a"), as("b")));
  CHECK(same_view(some, as("a"), as("a")));
}

TEST_CASE("policy: rules read from and write to their JSON", "[policy]") {
  PolicyError why;
  auto p = policy_rule_from_json(
      json::parse(R"({"effect":"deny","server_id":"ops","subjects":["bob"],"scopes":[],
                      "claims":{"groups":"guests"},"tools":["gh__*"]})")
          .as_object(),
      why);
  REQUIRE(p);
  CHECK_FALSE(p->allow);
  CHECK(p->server_id == std::optional<std::string>("ops"));
  CHECK(p->claims == std::vector<std::pair<std::string, std::string>>{{"groups", "guests"}});
  auto again = policy_rule_from_json(policy_rule_to_json(*p), why);
  REQUIRE(again);
  CHECK(again->tools == p->tools);
  auto error = [](const char* text) {
    PolicyError e;
    CHECK_FALSE(policy_rule_from_json(json::parse(text).as_object(), e));
    return e.field + ": " + e.message;
  };
  CHECK_THAT(error(R"({"tools":["*"]})"), Contains("effect"));
  CHECK_THAT(error(R"({"effect":"maybe","tools":["*"]})"), Contains("effect"));
  CHECK_THAT(error(R"({"effect":"allow"})"), Contains("cover"));
  CHECK_THAT(error(R"({"effect":"allow","tools":"*"})"), Contains("tools"));
  CHECK_THAT(error(R"({"effect":"allow","tools":[""]})"), Contains("tools"));
  CHECK_THAT(error(R"({"effect":"allow","tools":["*"],"claims":{"g":1}})"), Contains("claims"));
  CHECK_THAT(error(R"({"effect":"allow","tools":["*"],"server_id":7})"), Contains("server_id"));
}
