// A REST tool call (gateway/rest_tool.h) from both sides: the client's arguments against the
// tool's inputSchema (check_arguments) and into the URL template (build_rest_request), and the
// REST endpoint's answer, a status, reason, content type and body, made into a CallToolResult
// (to_call_result).
//
// Input: "<inputSchema JSON>\0<arguments JSON>\0<URL template>\0<status> <reason>\n<body>".
//
// Invariants: all three are total (and free of undefined behaviour: UBSan is on); a built
// request has an absolute URL that parses, a JSON object body unless it is GET or DELETE; a
// result has one text content item, isError exactly when the status is not 2xx, and
// structuredContent only on success with an output schema and a JSON object body (never with
// isError: seed 002); a result made from a valid UTF-8 body is valid JSON text once serialized.
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <cstdint>
#include <string>

#include "common/json_parse.h"
#include "fuzz_json.h"
#include "fuzz_support.h"
#include "gateway/rest_tool.h"

namespace json = boost::json;
using namespace mcpgw;

namespace {

void check_built(const gateway::BuiltRequest& b, const gateway::RestBinding& binding) {
  FUZZ_CHECK(b.request.has_value() == b.error.empty());
  if (!b.request) return;
  FUZZ_CHECK(boost::urls::parse_absolute_uri(b.request->url).has_value());
  FUZZ_CHECK(b.request->method == binding.method);
  if (binding.method == "GET" || binding.method == "DELETE") {
    FUZZ_CHECK(b.request->body.empty());
  } else {
    boost::system::error_code ec;
    FUZZ_CHECK(mcpgw::parse_json(b.request->body, ec).is_object() && !ec);
  }
}

void check_result(const gateway::OutboundResponse& r, const gateway::RestBinding& b) {
  const json::object result = gateway::to_call_result(r, b);
  const bool ok = r.status >= 200 && r.status <= 299;
  FUZZ_CHECK(result.contains("content") && result.at("content").as_array().size() == 1);
  FUZZ_CHECK(result.at("content").as_array()[0].as_object().at("type") == "text");
  FUZZ_CHECK(result.contains("isError") == !ok);
  if (result.contains("structuredContent")) {
    FUZZ_CHECK(ok && b.has_output_schema);
    FUZZ_CHECK(result.at("structuredContent").is_object());
  }
  if (fuzz::valid_utf8(r.body) && fuzz::valid_utf8(r.reason)) {
    const std::string text = json::serialize(result);
    boost::system::error_code ec;
    const json::value again = mcpgw::parse_json(text, ec);
    FUZZ_CHECK(!ec);
    FUZZ_CHECK(again == result);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  const json::object schema = fuzz::object_or_empty(fuzz::next_part(rest));
  const json::object arguments = fuzz::object_or_empty(fuzz::next_part(rest));
  const std::string_view url = fuzz::next_part(rest);

  static_cast<void>(gateway::check_arguments(schema, arguments));

  static constexpr const char* kMethods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  gateway::RestBinding binding;
  binding.method = kMethods[url.size() % 5];
  binding.url_template = std::string(url);
  binding.has_output_schema = size % 2 == 0;
  check_built(gateway::build_rest_request(binding, arguments), binding);

  // The answer: "<status> <reason>" on the first line, then the body.
  const auto nl = rest.find('\n');
  const std::string_view line = rest.substr(0, nl);
  gateway::OutboundResponse r;
  unsigned status = 0;
  const auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), status);
  r.status = ec == std::errc() ? status % 1000 : 0;
  r.reason = std::string(line.substr(end - line.data()));
  r.body = nl == std::string_view::npos ? std::string() : std::string(rest.substr(nl + 1));
  r.content_type = "application/json";
  if (r.status == 0)
    r.failure = gateway::UpstreamError::of(gateway::UpstreamError::Kind::unreachable, r.reason);
  check_result(r, binding);
  return 0;
}
