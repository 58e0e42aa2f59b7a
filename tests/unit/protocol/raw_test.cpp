#include "protocol/raw.h"

#include <catch2/catch.hpp>

using mcpgw::jsonrpc::raw_member;

TEST_CASE("raw_member returns a member's bytes unchanged", "[jsonrpc]") {
  const char* msg =
      R"({"jsonrpc":"2.0", "id" : 7 ,"result":{"content":[{"type":"text","text":"a}\"]{"}],)"
      R"("n":0.5,"e":1.0e2}, "tail":[1,[2,{"x":"}"}]]})";
  CHECK(raw_member(msg, "result") ==
        R"({"content":[{"type":"text","text":"a}\"]{"}],"n":0.5,"e":1.0e2})");
  CHECK(raw_member(msg, "id") == "7");
  CHECK(raw_member(msg, "jsonrpc") == R"("2.0")");
  CHECK(raw_member(msg, "tail") == R"([1,[2,{"x":"}"}]])");
  CHECK(!raw_member(msg, "error"));
  CHECK(raw_member(R"({"result":{}})", "result") == "{}");
  CHECK(raw_member(R"({"a":true,"b":null})", "b") == "null");
}

TEST_CASE("raw_member refuses what is not an object", "[jsonrpc]") {
  CHECK(!raw_member("[1,2]", "a"));
  CHECK(!raw_member("{}", "a"));
  CHECK(!raw_member(R"({"a":)", "a"));
  CHECK(!raw_member(R"({"a":"unterminated)", "a"));
  CHECK(!raw_member("", "a"));
}

TEST_CASE("insert_members puts members first and keeps the rest byte for byte", "[jsonrpc]") {
  using mcpgw::jsonrpc::insert_members;
  const char* r = R"({ "content":[{"n":0.5}], "_meta":{"k":1.0e2} })";
  CHECK(insert_members(r, R"("a":1)") == R"({"a":1, "content":[{"n":0.5}], "_meta":{"k":1.0e2} })");
  CHECK(insert_members(r, R"("s":"x")", "_meta") ==
        R"({ "content":[{"n":0.5}], "_meta":{"s":"x","k":1.0e2} })");
  CHECK(insert_members(" {} ", R"("a":1)") == R"( {"a":1} )");
  CHECK(insert_members(R"({"_meta":{ }})", R"("a":1)", "_meta") == R"({"_meta":{"a":1 }})");
  CHECK_FALSE(insert_members("[1]", R"("a":1)"));
  CHECK_FALSE(insert_members(R"({"_meta":3})", R"("a":1)", "_meta"));
  CHECK_FALSE(insert_members(R"({"x":1})", R"("a":1)", "_meta"));
}
