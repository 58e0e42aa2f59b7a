#include "protocol/message.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace mcpgw::jsonrpc;
namespace json = boost::json;

TEST_CASE("ids are kept with their JSON type", "[jsonrpc]") {
  auto s = parse(R"({"jsonrpc":"2.0","id":"1","method":"ping"})");
  REQUIRE(s.messages.size() == 1);
  CHECK(s.messages[0].id.is_string());
  CHECK(json::serialize(response(s.messages[0].id, json::object{})) ==
        R"({"jsonrpc":"2.0","id":"1","result":{}})");
  auto n = parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"})");
  CHECK(json::serialize(response(n.messages[0].id, json::object{})) ==
        R"({"jsonrpc":"2.0","id":1,"result":{}})");
  auto zero = parse(R"({"jsonrpc":"2.0","id":0,"method":"ping"})");
  REQUIRE(zero.messages.size() == 1);
  CHECK(zero.messages[0].kind == Message::Kind::request);
  CHECK(zero.messages[0].id.as_int64() == 0);
}

TEST_CASE("null, fractional and structured ids are invalid requests", "[jsonrpc]") {
  for (const char* body : {R"({"jsonrpc":"2.0","id":null,"method":"ping"})",
                           R"({"jsonrpc":"2.0","id":1.5,"method":"ping"})",
                           R"({"jsonrpc":"2.0","id":{},"method":"ping"})",
                           R"({"jsonrpc":"2.0","id":[1],"method":"ping"})"}) {
    INFO(body);
    auto p = parse(body);
    REQUIRE(p.failure);
    CHECK(p.failure->code == kInvalidRequest);
  }
}

TEST_CASE("notifications, responses and error responses are told apart", "[jsonrpc]") {
  auto n = parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  CHECK(n.messages[0].kind == Message::Kind::notification);
  auto r = parse(R"({"jsonrpc":"2.0","id":"mcpgw-1","result":{"x":1}})");
  CHECK(r.messages[0].kind == Message::Kind::response);
  CHECK(r.messages[0].result.as_object().at("x").as_int64() == 1);
  auto e = parse(R"({"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"no","data":[1]}})");
  REQUIRE(e.messages[0].error);
  CHECK(e.messages[0].error->code == -1);
  CHECK(e.messages[0].error->message == "no");
  CHECK(e.messages[0].error->data);
}

TEST_CASE("junk gives parse error or invalid request with the right code", "[jsonrpc]") {
  CHECK(parse("{").failure->code == kParseError);
  CHECK(parse("").failure->code == kParseError);
  CHECK(parse("nul").failure->code == kParseError);
  CHECK(parse("42").failure->code == kInvalidRequest);
  CHECK(parse(R"({"id":1,"method":"ping"})").failure->code == kInvalidRequest);  // no jsonrpc
  CHECK(parse(R"({"jsonrpc":"1.0","id":1,"method":"ping"})").failure->code == kInvalidRequest);
  CHECK(parse(R"({"jsonrpc":"2.0","id":1,"method":7})").failure->code == kInvalidRequest);
  CHECK(parse(R"({"jsonrpc":"2.0","id":1,"method":"x","params":"s"})").failure->code ==
        kInvalidRequest);
  CHECK(parse(R"({"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1}})").failure->code ==
        kInvalidRequest);
  // The id of an invalid request is echoed when it could be read.
  auto p = parse(R"({"jsonrpc":"2.0","id":"abc","method":7})");
  CHECK(p.failure_id.as_string() == "abc");
}

TEST_CASE("nesting deeper than the limit is a parse error", "[jsonrpc]") {
  std::string deep = R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"a":)";
  for (int i = 0; i < 100; ++i)
    deep += "[";
  for (int i = 0; i < 100; ++i)
    deep += "]";
  deep += "}}";
  CHECK(parse(deep, {64, 100}).failure->code == kParseError);
  CHECK_FALSE(parse(deep, {256, 100}).failure);
}

TEST_CASE("batches: each element on its own, empty and oversized batches refused", "[jsonrpc]") {
  auto b = parse(R"([{"jsonrpc":"2.0","id":1,"method":"ping"},
                     {"jsonrpc":"2.0","method":"n"},
                     {"jsonrpc":"2.0","id":"x","method":5},
                     7])");
  CHECK(b.batch);
  CHECK(b.messages.size() == 2);
  REQUIRE(b.invalid.size() == 2);
  CHECK(b.invalid[0].id.as_string() == "x");
  CHECK(b.invalid[1].id.is_null());
  CHECK(parse("[]").failure->code == kInvalidRequest);
  std::string big = "[";
  for (int i = 0; i < 101; ++i)
    big += std::string(i ? "," : "") + R"({"jsonrpc":"2.0","method":"n"})";
  big += "]";
  CHECK(parse(big).failure->code == kInvalidRequest);
}

TEST_CASE("builders write exactly the JSON-RPC envelope", "[jsonrpc]") {
  CHECK(json::serialize(notification("notifications/tools/list_changed", nullptr)) ==
        R"({"jsonrpc":"2.0","method":"notifications/tools/list_changed"})");
  CHECK(json::serialize(error_response(nullptr, {kMethodNotFound, "Method not found", {}})) ==
        R"({"jsonrpc":"2.0","id":null,"error":{"code":-32601,"message":"Method not found"}})");
  CHECK(json::serialize(request("mcpgw-1", "ping", nullptr)) ==
        R"({"jsonrpc":"2.0","id":"mcpgw-1","method":"ping"})");
}

// Found by tests/fuzz/jsonrpc_message: Boost.JSON reads 1e400 as infinity and writes infinity
// back as `Infinity`, so params mcpgw relayed (or a result it rewrote) were no longer JSON.
TEST_CASE("a number a double cannot hold is a parse error", "[jsonrpc]") {
  for (const char* body : {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"n":1e400}})",
                           R"([{"jsonrpc":"2.0","id":1,"method":"x","params":[-1e999]}])"}) {
    const auto p = parse(body);
    REQUIRE(p.failure);
    CHECK(p.failure->code == kParseError);
    CHECK(p.messages.empty());
  }
  // Large but finite numbers are kept, and written back as JSON.
  const auto ok = parse(R"({"jsonrpc":"2.0","id":1,"method":"x","params":{"n":1e300}})");
  REQUIRE_FALSE(ok.failure);
  CHECK(json::parse(json::serialize(ok.messages.at(0).params)) == ok.messages.at(0).params);
}
