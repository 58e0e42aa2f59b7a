#include "mcp/modern_result.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "protocol/errors.h"

using namespace mcpgw;
namespace json = boost::json;

namespace {
const mcp::ServerIdentity kId{"mcpgw", "9.9", std::chrono::milliseconds(5000)};
const json::value kInfo = json::parse(R"({"name":"mcpgw","version":"9.9"})");
}  // namespace

TEST_CASE("modern results get resultType and serverInfo; cacheable ones the cache hints", "[mcp]") {
  auto list = mcp::Outcome::ok(json::object{{"tools", json::array{}}});
  mcp::complete_modern(list, "tools/list", kId);
  const auto& l = list.result.as_object();
  CHECK(l.at("resultType") == "complete");
  CHECK(l.at("ttlMs") == 5000);
  CHECK(l.at("cacheScope") == "private");
  CHECK(l.at("_meta").at("io.modelcontextprotocol/serverInfo") == kInfo);

  auto call = mcp::Outcome::ok(json::object{{"content", json::array{}}, {"_meta", {{"k", 1}}}});
  mcp::complete_modern(call, "tools/call", kId);
  const auto& c = call.result.as_object();
  CHECK(c.at("resultType") == "complete");
  CHECK_FALSE(c.contains("ttlMs"));
  CHECK_FALSE(c.contains("cacheScope"));
  CHECK(c.at("_meta").at("k") == 1);  // the result's own _meta stays
  CHECK(c.at("_meta").at("io.modelcontextprotocol/serverInfo") == kInfo);

  // An input_required result is not cacheable; a public scope becomes private.
  auto input = mcp::Outcome::ok(json::object{{"resultType", "input_required"}});
  mcp::complete_modern(input, "resources/read", kId);
  CHECK(input.result.at("resultType") == "input_required");
  CHECK_FALSE(input.result.as_object().contains("ttlMs"));
  auto pub = mcp::Outcome::ok(json::object{{"cacheScope", "public"}, {"ttlMs", 1}});
  mcp::complete_modern(pub, "prompts/list", kId);
  CHECK(pub.result.at("cacheScope") == "private");
  CHECK(pub.result.at("ttlMs") == 1);
}

TEST_CASE("a relayed result keeps its bytes; the modern members go in front", "[mcp]") {
  auto out = mcp::Outcome::ok_json(R"({"content":[{"type":"text","text":"x"}],"n":0.5})");
  mcp::complete_modern(out, "tools/call", kId);
  CHECK(out.raw ==
        R"({"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":)"
        R"({"name":"mcpgw","version":"9.9"}},"content":[{"type":"text","text":"x"}],"n":0.5})");

  auto with_meta = mcp::Outcome::ok_json(R"({"contents":[],"_meta":{"a":1.0e2}})");
  mcp::complete_modern(with_meta, "resources/read", kId);
  CHECK(with_meta.raw ==
        R"({"resultType":"complete","ttlMs":5000,"cacheScope":"private","contents":[],)"
        R"("_meta":{"io.modelcontextprotocol/serverInfo":{"name":"mcpgw","version":"9.9"},)"
        R"("a":1.0e2}})");

  // A modern upstream's own members are left as they are.
  auto modern = mcp::Outcome::ok_json(
      R"({"resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"up"}}})");
  const std::string before = modern.raw;
  mcp::complete_modern(modern, "tools/call", kId);
  CHECK(modern.raw == before);
}

TEST_CASE("modern errors: -32002 (legacy resource not found) becomes -32602", "[mcp]") {
  auto gone = mcp::Outcome::fail(protocol::error::kResourceNotFound, "Resource not found");
  gone.error->data = json::object{{"uri", "a+b://c"}};
  mcp::complete_modern(gone, "resources/read", kId);
  CHECK(gone.error->code == jsonrpc::kInvalidParams);
  CHECK(gone.error->data->at("uri") == "a+b://c");
  auto other = mcp::Outcome::fail(jsonrpc::kInternalError, "x");
  mcp::complete_modern(other, "tools/call", kId);
  CHECK(other.error->code == jsonrpc::kInternalError);
}
