// Tool parameters mirrored in Mcp-Param-* headers (protocol/header_params.h, "x-mcp-header"),
// and the check of a modern tools/call's headers against them (mcp/param_headers.h).
//
// Input: "<inputSchema JSON>\0<arguments JSON>\0<received headers, one 'Name: value' a line>"
// (a NUL cannot occur in JSON text, so it separates the parts; missing parts are empty).
//
// Invariants: the schema walk is total and gives header names with the Mcp-Param- prefix and
// non-empty paths; every value mcpgw would send decodes back to the argument's text; the headers
// mcpgw itself would send upstream for these arguments pass mcpgw's own check (when the schema's
// header names are distinct), and survive HTTP/1.1 serialization as they were set (no header can
// add or hide another); a check of arbitrary received headers is total and refuses only with
// 400 / -32020.
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <set>
#include <sstream>
#include <string>

#include "common/json_parse.h"
#include "fuzz_support.h"
#include "gateway/catalog.h"
#include "mcp/param_headers.h"
#include "protocol/errors.h"
#include "protocol/header_params.h"
#include "protocol/header_value.h"
#include "protocol/names.h"

namespace json = boost::json;
namespace bhttp = boost::beast::http;
using namespace mcpgw;

namespace {

json::value parse_or_null(std::string_view text) {
  boost::system::error_code ec;
  json::value v = mcpgw::parse_json(text, ec);
  return ec ? json::value(nullptr) : v;
}

gateway::Catalog catalog_with(const json::value& schema) {
  gateway::Catalog c;
  json::object def{{"name", "t"}, {"inputSchema", schema}};
  c.tools.push_back({"t-id", "t", std::move(def), {}, nullptr, nullptr});
  gateway::normalize(c);
  return c;
}

jsonrpc::Message call(const json::value& arguments) {
  jsonrpc::Message m;
  m.kind = jsonrpc::Message::Kind::request;
  m.id = 1;
  m.method = protocol::method::kToolsCall;
  m.params = json::object{{"name", "t"}, {"arguments", arguments}};
  return m;
}

void check_refusal(const std::optional<mcp::Refusal>& r) {
  if (!r) return;
  FUZZ_CHECK(r->http_status == 400);
  FUZZ_CHECK(r->error.code == protocol::error::kHeaderMismatch);
}

// The headers as gateway/http_client.cpp sets them on an upstream request, written and read
// back: each must arrive as one field with the name and value set.
void survives_the_wire(const mcp::ParamHeaders& sent) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/mcp", 11};
  req.set(bhttp::field::host, "upstream");
  for (const auto& [k, v] : sent)
    req.set(k, v);
  req.prepare_payload();
  std::ostringstream wire;
  wire << req;
  bhttp::request_parser<bhttp::string_body> parser;
  boost::system::error_code ec;
  const std::string text = wire.str();
  parser.put(boost::asio::buffer(text), ec);
  FUZZ_CHECK(!ec && parser.is_header_done());
  const auto& got = parser.get();
  std::size_t fields = 0;
  for (const auto& f : got) {
    (void)f;
    ++fields;
  }
  FUZZ_CHECK(fields == sent.size() + 2);  // Host and Content-Length besides
  for (const auto& [k, v] : sent) {
    const auto it = got.find(k);
    FUZZ_CHECK(it != got.end());
    FUZZ_CHECK(it->value() == protocol::trim_ows(v));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  const json::value schema = parse_or_null(fuzz::next_part(rest));
  json::value arguments = parse_or_null(fuzz::next_part(rest));
  if (arguments.is_null()) arguments = json::object{};
  const mcp::ParamHeaders received = fuzz::pairs_of_lines(rest, ':');

  const auto params = protocol::header_params(schema);
  std::set<std::string> names;  // lower-cased: header names compare case-insensitively
  bool distinct = true;
  mcp::ParamHeaders ours;  // what relay.cpp (options_for) sends a modern upstream
  for (const auto& hp : params) {
    FUZZ_CHECK(hp.header.starts_with(protocol::header::kParamPrefix));
    FUZZ_CHECK(hp.header.size() > protocol::header::kParamPrefix.size());
    FUZZ_CHECK(!hp.path.empty());
    std::string lower = hp.header;
    for (char& c : lower)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    distinct = names.insert(lower).second && distinct;
    const auto text = protocol::header_param_text(arguments, hp.path);
    const auto value = protocol::header_param_value(arguments, hp.path);
    FUZZ_CHECK(text.has_value() == value.has_value());
    if (!value) continue;
    const auto decoded = protocol::decode_header_value(*value);
    FUZZ_CHECK(decoded && *decoded == *text);
    ours.emplace_back(hp.header, *value);
  }

  const gateway::Catalog catalog = catalog_with(schema);
  const jsonrpc::Message request = call(arguments);
  const auto own = mcp::check_param_headers(catalog, gateway::Scope{}, request, ours);
  check_refusal(own);
  if (distinct && arguments.is_object()) FUZZ_CHECK(!own);
  if (distinct) survives_the_wire(ours);

  check_refusal(mcp::check_param_headers(catalog, gateway::Scope{}, request, received));
  return 0;
}
