#include "admin/fields.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "field_names.h"

using namespace mcpgw::admin;
using mcpgw::test::field_names;
namespace json = boost::json;

TEST_CASE("tags: up to 32 distinct strings of 1 to 64 allowed characters", "[admin][fields]") {
  FieldErrors e;
  CHECK(read_tags(json::parse(R"({"tags":["a","B-1","x_y.z:w"]})").get_object(), e) ==
        std::vector<std::string>{"a", "B-1", "x_y.z:w"});
  CHECK(e.empty());
  CHECK(read_tags(json::object{}, e).empty());
  for (auto bad : {R"({"tags":"a"})", R"({"tags":[""]})", R"({"tags":["a b"]})", R"({"tags":[1]})",
                   R"({"tags":["a","a"]})", R"({"tags":["é"]})"}) {
    FieldErrors f;
    INFO(bad);
    CHECK(read_tags(json::parse(bad).get_object(), f).empty());
    CHECK(field_names(f) == std::set<std::string>{"tags"});
  }
  json::array many;
  for (int i = 0; i < 33; ++i)
    many.emplace_back("t" + std::to_string(i));
  FieldErrors f;
  read_tags(json::object{{"tags", many}}, f);
  CHECK(field_names(f) == std::set<std::string>{"tags"});
  CHECK(valid_tag(std::string(64, 'a')));
  CHECK_FALSE(valid_tag(std::string(65, 'a')));
}

TEST_CASE("merge patch (RFC 7386)", "[admin][fields]") {
  auto target = json::parse(R"({"a":1,"b":{"c":2,"d":3},"e":[1,2],"f":"x"})").get_object();
  merge_patch(target,
              json::parse(R"({"a":null,"b":{"c":null,"g":4},"e":[3],"h":true})").get_object());
  CHECK(json::value(target) == json::parse(R"({"b":{"d":3,"g":4},"e":[3],"f":"x","h":true})"));
  auto t2 = json::parse(R"({"a":"s"})").get_object();
  merge_patch(t2, json::parse(R"({"a":{"b":null,"c":1}})").get_object());
  CHECK(json::value(t2) == json::parse(R"({"a":{"c":1}})"));
}

TEST_CASE("read-only members pass when unchanged and are refused when changed", "[admin][fields]") {
  const auto stored = json::parse(R"({"id":"1","created_at":"t","name":"n"})").get_object();
  auto body = json::parse(R"({"id":"1","created_at":"t","name":"m"})").get_object();
  FieldErrors e;
  const std::string_view two[] = {"id", "created_at"};
  drop_read_only(body, stored, two, e);
  CHECK(e.empty());
  CHECK(json::value(body) == json::parse(R"({"name":"m"})"));
  body = json::parse(R"({"id":"2","updated_at":"u"})").get_object();
  const std::string_view three[] = {"id", "created_at", "updated_at"};
  drop_read_only(body, stored, three, e);
  CHECK(field_names(e) == std::set<std::string>{"id", "updated_at"});
  CHECK(body.empty());  // named once: not again as unknown fields
}

TEST_CASE("header fields that could inject lines are refused", "[admin][fields]") {
  CHECK(valid_header("X-Api-Key", "v a l"));
  CHECK_FALSE(valid_header("", "v"));
  CHECK_FALSE(valid_header("X Key", "v"));
  CHECK_FALSE(valid_header("X:", "v"));
  CHECK_FALSE(valid_header("X", "a\r\nB: c"));
  CHECK_FALSE(valid_header("X", std::string_view("a\0b", 3)));
}
