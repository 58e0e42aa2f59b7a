#include "protocol/header_params.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace mcpgw::protocol;
namespace json = boost::json;

TEST_CASE("x-mcp-header: only properties reached through properties chains", "[header_params]") {
  const auto schema = json::parse(R"({
    "type": "object",
    "properties": {
      "region": {"type": "string", "x-mcp-header": "Region"},
      "query": {"type": "string"},
      "opts": {"type": "object", "properties": {
        "tenant": {"type": "integer", "x-mcp-header": "Tenant"},
        "blank": {"type": "string", "x-mcp-header": ""}}},
      "list": {"type": "array", "items": {"type": "string", "x-mcp-header": "Nope"}},
      "either": {"anyOf": [{"type": "string", "x-mcp-header": "Nope2"}]}
    }})");
  const auto params = header_params(schema);
  REQUIRE(params.size() == 2);
  CHECK(params[0].header == "Mcp-Param-Region");
  CHECK(params[0].path == std::vector<std::string>{"region"});
  CHECK(params[1].header == "Mcp-Param-Tenant");
  CHECK(params[1].path == std::vector<std::string>{"opts", "tenant"});
  CHECK(header_params(json::value(nullptr)).empty());
}

TEST_CASE("x-mcp-header values: string, integer, boolean; omitted otherwise", "[header_params]") {
  const auto args = json::parse(R"({"s":"us-west1","i":-7,"f":42.0,"g":1.5,"b":false,"n":null,
    "o":{"deep":"Hello, 世界"},"pad":" padded "})");
  CHECK(header_param_value(args, {"s"}) == "us-west1");
  CHECK(header_param_value(args, {"i"}) == "-7");
  CHECK(header_param_value(args, {"f"}) == "42");
  CHECK_FALSE(header_param_value(args, {"g"}));
  CHECK(header_param_value(args, {"b"}) == "false");
  CHECK_FALSE(header_param_value(args, {"n"}));
  CHECK_FALSE(header_param_value(args, {"missing"}));
  CHECK_FALSE(header_param_value(args, {"s", "below"}));
  // The spec's own examples of the encoding.
  CHECK(header_param_value(args, {"o", "deep"}) == "=?base64?SGVsbG8sIOS4lueVjA==?=");
  CHECK(header_param_value(args, {"pad"}) == "=?base64?IHBhZGRlZCA=?=");
  CHECK(header_param_text(args, {"pad"}) == " padded ");
}

// Found by tests/fuzz/header_params: an annotation that cannot be a header name ("Bad Name", one
// with CR LF) became a header mcpgw sent upstream: a malformed request, or a field of the
// schema's choosing.
TEST_CASE("x-mcp-header: annotations that are no header names are ignored", "[header_params]") {
  const auto schema = json::parse(R"j({"properties": {
      "a": {"x-mcp-header": "Bad Name"}, "b": {"x-mcp-header": "X\r\nInjected: 1"},
      "c": {"x-mcp-header": "Shard)"}, "d": {"x-mcp-header": "Tenant-Id_2"}}})j");
  const auto params = header_params(schema);
  REQUIRE(params.size() == 1);
  CHECK(params[0].header == "Mcp-Param-Tenant-Id_2");
}
