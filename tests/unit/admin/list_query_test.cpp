#include "admin/list_query.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "field_names.h"

using namespace mcpgw::admin;
using mcpgw::test::field_names;
namespace json = boost::json;

namespace {
constexpr unsigned kAll = kFilterName | kFilterTag | kFilterGateway | kFilterIntegrationType;

std::set<std::string> errors_of(std::string_view target, unsigned allowed = kAll) {
  FieldErrors e;
  auto q = parse_list_query(target, allowed, e);
  CHECK_FALSE(q.has_value());
  return field_names(e);
}
}  // namespace

TEST_CASE("list query: defaults and every parameter", "[admin][list]") {
  FieldErrors e;
  auto q = parse_list_query("/v1/tools", kAll, e);
  REQUIRE(q);
  CHECK(q->limit == 100);
  CHECK_FALSE(q->after);
  CHECK_FALSE(q->name);

  const auto cursor = encode_cursor({"b", "id2"});
  q = parse_list_query(
      "/v1/tools?limit=5&name=We%20a&tag=x:y&gateway=g1&integration_type=MCP&"
      "cursor=" +
          cursor,
      kAll, e);
  REQUIRE(q);
  CHECK(e.empty());
  CHECK(q->limit == 5);
  CHECK(*q->name == "We a");
  CHECK(*q->tag == "x:y");
  CHECK(*q->gateway == "g1");
  CHECK(*q->integration_type == "MCP");
  REQUIRE(q->after);
  CHECK(*q->after == PagePosition{"b", "id2"});
}

TEST_CASE("list query: limit must be 1 to 500", "[admin][list]") {
  for (auto bad : {"0", "501", "-1", "abc", "10x", "", "1.5", "99999999999999"})
    CHECK(errors_of(std::string("/v1/tools?limit=") + bad) == std::set<std::string>{"limit"});
  FieldErrors e;
  CHECK(parse_list_query("/v1/tools?limit=1", kAll, e)->limit == 1);
  CHECK(parse_list_query("/v1/tools?limit=500", kAll, e)->limit == 500);
}

TEST_CASE("list query: a cursor mcpgw did not make is refused", "[admin][list]") {
  for (auto bad : {"", "!!!", "abc", "W10", "WyJhIl0", "eyJhIjoxfQ"})  // [] ["a"] {"a":1}
    CHECK(errors_of(std::string("/v1/tools?cursor=") + bad) == std::set<std::string>{"cursor"});
}

TEST_CASE("list query: unknown, repeated and unaccepted parameters are named", "[admin][list]") {
  CHECK(errors_of("/v1/tools?colour=red") == std::set<std::string>{"colour"});
  CHECK(errors_of("/v1/tools?name=a&name=b") == std::set<std::string>{"name"});
  CHECK(errors_of("/v1/tokens?tag=x", kFilterName) == std::set<std::string>{"tag"});
  CHECK(errors_of("/v1/servers?gateway=g", kFilterName | kFilterTag) ==
        std::set<std::string>{"gateway"});
  CHECK(errors_of("/v1/tools?integration_type=SOAP") == std::set<std::string>{"integration_type"});
  CHECK(errors_of("/v1/tools?name=") == std::set<std::string>{"name"});
  CHECK(errors_of("/v1/tools?limit=0&bogus=1") == std::set<std::string>{"limit", "bogus"});
}

TEST_CASE("cursors round-trip any name and id", "[admin][list]") {
  for (const PagePosition& p :
       {PagePosition{"", ""}, PagePosition{"a", "b"}, PagePosition{"ünïcode \"q\" /+=", "x"},
        PagePosition{std::string(300, 'z'), "0123456789abcdef"}}) {
    const auto c = encode_cursor(p);
    CHECK(c.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
          std::string::npos);
    auto back = decode_cursor(c);
    REQUIRE(back);
    CHECK(*back == p);
  }
}

TEST_CASE("the store query asks for one row more than the page, with every filter",
          "[admin][list]") {
  ListQuery q;
  auto s = store_query(q);
  CHECK(s.limit == 101);
  CHECK_FALSE(s.after);
  CHECK_FALSE(s.name_contains);

  q.limit = 3;
  q.name = "we";
  q.tag = "t";
  q.gateway = "g";
  q.integration_type = "REST";
  q.after = PagePosition{"n", "i"};
  s = store_query(q);
  CHECK(s.limit == 4);
  CHECK(s.after == std::pair<std::string, std::string>{"n", "i"});
  CHECK(s.name_contains == "we");
  CHECK(s.tag == "t");
  CHECK(s.gateway_id == "g");
  CHECK(s.integration_type == "REST");
}

TEST_CASE("page JSON: next_cursor only when a further page exists", "[admin][list]") {
  ListQuery q;
  q.limit = 2;
  auto row = [](const char* name, const char* id) {
    return json::object{{"name", name}, {"id", id}};
  };
  auto full = page_json(json::array{row("a", "1"), row("b", "2"), row("c", "3")}, q);
  CHECK(full.at("items").get_array().size() == 2);
  REQUIRE(full.contains("next_cursor"));
  CHECK(*decode_cursor(full.at("next_cursor").get_string()) == PagePosition{"b", "2"});

  auto last = page_json(json::array{row("a", "1"), row("b", "2")}, q);
  CHECK(last.at("items").get_array().size() == 2);
  CHECK_FALSE(last.contains("next_cursor"));
  CHECK_FALSE(page_json(json::array{}, q).contains("next_cursor"));
}

// Found by tests/fuzz/list_cursor: cursors over 4096 characters were refused, and the cursor of
// an item whose name has 700 control characters (each \u00XX in the cursor's JSON) is one: the
// page after it could not be asked for. Upstream resource and prompt names have no bound.
TEST_CASE("the next_cursor of any item is accepted back", "[admin][list]") {
  for (const PagePosition& p :
       {PagePosition{std::string(700, '\x01'), "id"}, PagePosition{std::string(5000, 'n'), "id"}}) {
    FieldErrors e;
    const auto q = parse_list_query("/v1/tools?cursor=" + encode_cursor(p), kAll, e);
    REQUIRE(q);
    CHECK(q->after == p);
  }
}
