#include "mcp/envelope.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "protocol/errors.h"

using namespace mcpgw;
namespace json = boost::json;

namespace {

json::value params(std::string_view meta) {
  return json::parse(std::string(R"({"name":"t","_meta":)") + std::string(meta) + "}");
}
constexpr std::string_view kOk =
    R"({"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
    R"("io.modelcontextprotocol/clientCapabilities":{"elicitation":{}},)"
    R"("io.modelcontextprotocol/clientInfo":{"name":"c","version":"1"},)"
    R"("io.modelcontextprotocol/logLevel":"warning","progressToken":7})";

mcp::Refusal refused(const std::variant<mcp::Envelope, mcp::Refusal>& r) {
  REQUIRE(std::holds_alternative<mcp::Refusal>(r));
  return std::get<mcp::Refusal>(r);
}

}  // namespace

TEST_CASE("a modern request by its shape: the envelope's version key in params._meta", "[mcp]") {
  CHECK(mcp::has_envelope(params(kOk)));
  CHECK(mcp::has_envelope(params(R"({"io.modelcontextprotocol/protocolVersion":5})")));
  CHECK_FALSE(mcp::has_envelope(params(R"({"progressToken":1})")));
  CHECK_FALSE(mcp::has_envelope(json::parse(R"({"name":"t"})")));
  CHECK_FALSE(mcp::has_envelope(nullptr));
}

TEST_CASE("the envelope is read with the header's version", "[mcp]") {
  auto r = mcp::read_envelope(params(kOk), "2026-07-28");
  REQUIRE(std::holds_alternative<mcp::Envelope>(r));
  const auto& e = std::get<mcp::Envelope>(r);
  CHECK(e.protocol_version == "2026-07-28");
  CHECK(e.has_capability("elicitation"));
  CHECK_FALSE(e.has_capability("sampling"));
  CHECK(e.client_info.at("name") == "c");
  CHECK(e.log_level == "warning");

  // clientInfo and logLevel are optional.
  auto bare =
      mcp::read_envelope(params(R"({"io.modelcontextprotocol/protocolVersion":"2026-07-28",)"
                                R"("io.modelcontextprotocol/clientCapabilities":{}})"),
                         "2026-07-28");
  REQUIRE(std::holds_alternative<mcp::Envelope>(bare));
  CHECK_FALSE(std::get<mcp::Envelope>(bare).log_level);
}

TEST_CASE("envelope refusals, each with its code and HTTP 400", "[mcp]") {
  using namespace mcpgw::protocol::error;
  // protocolVersion missing or not a string.
  auto not_string = refused(
      mcp::read_envelope(params(R"({"io.modelcontextprotocol/protocolVersion":1})"), "2026-07-28"));
  CHECK(not_string.http_status == 400);
  CHECK(not_string.error.code == jsonrpc::kInvalidParams);
  CHECK(refused(mcp::read_envelope(json::parse(R"({"name":"t"})"), "2026-07-28")).error.code ==
        jsonrpc::kInvalidParams);
  // The header missing, or another version than the body's.
  auto missing = refused(mcp::read_envelope(params(kOk), std::nullopt));
  CHECK(missing.error.code == kHeaderMismatch);
  CHECK(missing.error.message == "Header mismatch: the MCP-Protocol-Version header is required");
  auto differs = refused(mcp::read_envelope(params(kOk), "2025-11-25"));
  CHECK(differs.error.code == kHeaderMismatch);
  CHECK(differs.http_status == 400);
  // A revision not served: the list of those that are, and what was asked.
  auto unsupported = refused(
      mcp::read_envelope(params(R"({"io.modelcontextprotocol/protocolVersion":"1900-01-01",)"
                                R"("io.modelcontextprotocol/clientCapabilities":{}})"),
                         "1900-01-01"));
  CHECK(unsupported.error.code == kUnsupportedProtocolVersion);
  CHECK(*unsupported.error.data ==
        json::parse(R"({"supported":["2026-07-28","2025-11-25","2025-06-18","2025-03-26"],)"
                    R"("requested":"1900-01-01"})"));
  // A legacy revision in the modern envelope is not a modern one either.
  CHECK(refused(
            mcp::read_envelope(params(R"({"io.modelcontextprotocol/protocolVersion":"2025-11-25",)"
                                      R"("io.modelcontextprotocol/clientCapabilities":{}})"),
                               "2025-11-25"))
            .error.code == kUnsupportedProtocolVersion);
  // clientCapabilities required; clientInfo and logLevel well-formed when present.
  const auto bad = [](std::string_view extra) {
    return refused(mcp::read_envelope(
                       params(std::string(
                                  R"({"io.modelcontextprotocol/protocolVersion":"2026-07-28")") +
                              std::string(extra) + "}"),
                       "2026-07-28"))
        .error.code;
  };
  CHECK(bad("") == jsonrpc::kInvalidParams);
  CHECK(bad(R"(,"io.modelcontextprotocol/clientCapabilities":[])") == jsonrpc::kInvalidParams);
  CHECK(bad(R"(,"io.modelcontextprotocol/clientCapabilities":{},)"
            R"("io.modelcontextprotocol/clientInfo":"c")") == jsonrpc::kInvalidParams);
  CHECK(bad(R"(,"io.modelcontextprotocol/clientCapabilities":{},)"
            R"("io.modelcontextprotocol/logLevel":"loud")") == jsonrpc::kInvalidParams);
}
