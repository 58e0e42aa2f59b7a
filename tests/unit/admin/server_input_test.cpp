#include "admin/server_input.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "field_names.h"

using namespace mcpgw::admin;
using mcpgw::test::field_names;
namespace json = boost::json;
using Fields = std::set<std::string>;

namespace {
Fields errors_of(const char* body) {
  FieldErrors e;
  auto s = read_server(json::parse(body).get_object(), e);
  CHECK_FALSE(s.has_value());
  return field_names(e);
}
}  // namespace

TEST_CASE("server input: defaults, sorted ids without repeats", "[admin][server]") {
  FieldErrors e;
  auto s = read_server(json::parse(R"({"name":"s"})").get_object(), e);
  REQUIRE(s);
  CHECK(s->description.empty());
  CHECK(s->tool_ids.empty());
  CHECK_FALSE(s->expose_original_names);
  CHECK(s->tags.empty());
  s = read_server(json::parse(R"({"name":"s","description":"d","tool_ids":["b","a","b"],
      "resource_ids":["r"],"prompt_ids":["p2","p1"],"expose_original_names":true,
      "tags":["prod"]})")
                      .get_object(),
                  e);
  REQUIRE(s);
  CHECK(s->tool_ids == std::vector<std::string>{"a", "b"});
  CHECK(s->resource_ids == std::vector<std::string>{"r"});
  CHECK(s->prompt_ids == std::vector<std::string>{"p1", "p2"});
  CHECK(s->expose_original_names);
  CHECK(s->tags == std::vector<std::string>{"prod"});
}

TEST_CASE("server input: each error names its field", "[admin][server]") {
  CHECK(errors_of(R"({})") == Fields{"name"});
  CHECK(errors_of(R"({"name":""})") == Fields{"name"});
  CHECK(errors_of(R"({"name":7})") == Fields{"name"});
  CHECK(errors_of(R"({"name":"s","description":1})") == Fields{"description"});
  CHECK(errors_of(R"({"name":"s","tool_ids":"a"})") == Fields{"tool_ids"});
  CHECK(errors_of(R"({"name":"s","resource_ids":[1]})") == Fields{"resource_ids"});
  CHECK(errors_of(R"({"name":"s","prompt_ids":[""]})") == Fields{"prompt_ids"});
  CHECK(errors_of(R"({"name":"s","expose_original_names":"yes"})") ==
        Fields{"expose_original_names"});
  CHECK(errors_of(R"({"name":"s","tags":[""]})") == Fields{"tags"});
  CHECK(errors_of(R"({"name":"s","tools":[]})") == Fields{"tools"});
}
