#include "mcp/param_headers.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace mcpgw;
using namespace mcpgw::mcp;
namespace json = boost::json;

namespace {

gateway::Catalog with_tool() {
  gateway::Catalog c;
  json::object def{{"name", "sql"}, {"inputSchema", json::parse(R"({"type":"object","properties":{
                      "region":{"type":"string","x-mcp-header":"Region"},
                      "shard":{"type":"integer","x-mcp-header":"Shard"},
                      "query":{"type":"string"}}})")}};
  c.tools.push_back({"sql-id", "sql", std::move(def), {}, nullptr, nullptr});
  gateway::normalize(c);
  return c;
}

jsonrpc::Message call(std::string arguments, std::string tool = "sql") {
  jsonrpc::Message m;
  m.kind = jsonrpc::Message::Kind::request;
  m.id = 1;
  m.method = "tools/call";
  m.params = json::object{{"name", tool}, {"arguments", json::parse(arguments)}};
  return m;
}

std::optional<std::string> refused(const jsonrpc::Message& m, const ParamHeaders& h) {
  const auto c = with_tool();
  auto r = check_param_headers(c, gateway::Scope{}, m, h);
  if (!r) return std::nullopt;
  CHECK(r->http_status == 400);
  CHECK(r->error.code == -32020);
  return r->error.message;
}

}  // namespace

TEST_CASE("Mcp-Param headers agree with the arguments", "[param_headers]") {
  CHECK_FALSE(
      refused(call(R"({"region":"us-west1","query":"q"})"), {{"Mcp-Param-Region", "us-west1"}}));
  // Names case-insensitive, values trimmed, base64 decoded, integers compared as numbers.
  CHECK_FALSE(refused(
      call(R"({"region":"Hello, 世界","shard":42})"),
      {{"mcp-param-region", " =?base64?SGVsbG8sIOS4lueVjA==?= "}, {"MCP-PARAM-SHARD", "42.0"}}));
  // No value in the body: no header expected.
  CHECK_FALSE(refused(call(R"({"query":"q","region":null})"), {}));
  // Headers no parameter names pass (they are forwarded, not checked).
  CHECK_FALSE(refused(call(R"({"query":"q"})"), {{"Mcp-Param-Other", "x"}}));
  // Another method, or a tool the catalog does not have: not checked here.
  CHECK_FALSE(refused(call(R"({"region":"a"})", "unknown"), {}));
}

TEST_CASE("Mcp-Param headers that are missing, wrong or malformed are refused", "[param_headers]") {
  CHECK(refused(call(R"({"region":"us-west1"})"), {}) ==
        "Header mismatch: the Mcp-Param-Region header is required for this call");
  CHECK(refused(call(R"({"region":"us-west1"})"), {{"Mcp-Param-Region", "eu-north1"}}) ==
        "Header mismatch: Mcp-Param-Region header value 'eu-north1' does not match body value "
        "'us-west1'");
  CHECK(refused(call(R"({"region":"a"})"), {{"Mcp-Param-Region", "=?base64?***?="}}) ==
        "Header mismatch: the Mcp-Param-Region header value is malformed");
  CHECK(refused(call(R"({"shard":7})"), {{"Mcp-Param-Shard", "7"}, {"Mcp-Param-Region", "x"}}) ==
        "Header mismatch: Mcp-Param-Region header value 'x' has no value in the body to match");
  CHECK(refused(call(R"({"shard":7})"), {{"Mcp-Param-Shard", "7.5"}}));
  // Text compares as text, however number-like; integers exactly, beyond a double's precision.
  CHECK(refused(call(R"({"region":"007"})"), {{"Mcp-Param-Region", "7"}}));
  CHECK(refused(call(R"({"region":"1e3"})"), {{"Mcp-Param-Region", "1000"}}));
  CHECK(refused(call(R"({"shard":9007199254740993})"), {{"Mcp-Param-Shard", "9007199254740992"}}));
  CHECK_FALSE(
      refused(call(R"({"shard":9007199254740993})"), {{"Mcp-Param-Shard", "9007199254740993"}}));
  CHECK_FALSE(refused(call(R"({"shard":7})"), {{"Mcp-Param-Shard", "7.00"}}));
  CHECK(refused(call(R"({"shard":7})"), {{"Mcp-Param-Shard", "7."}}));
}
