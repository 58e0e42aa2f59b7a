// A POST body as a client (or an upstream) sends it: jsonrpc::parse and its classification
// (protocol/message.h; one message, or a 2025-03-26 batch), the byte-exact member access of
// protocol/raw.h on what parsed, and the modern era's _meta envelope of each request
// (mcp/envelope.h), read against an MCP-Protocol-Version header.
//
// Invariants: parsing is total (no exception); every message has the shape its kind says; a
// message written out the way mcpgw writes one parses back to the same message (ids keep their
// type); a batch accounts for every element; raw_member finds what the parser found, in mcpgw's
// own serialization; insert_members keeps an object an object; an envelope is either read whole
// or refused with 400 and one of the codes the revision prescribes.
#include <boost/json.hpp>
#include <cstdint>
#include <string>

#include "common/json_parse.h"
#include "fuzz_support.h"
#include "mcp/envelope.h"
#include "protocol/errors.h"
#include "protocol/log_levels.h"
#include "protocol/message.h"
#include "protocol/names.h"
#include "protocol/raw.h"
#include "protocol/versions.h"

namespace json = boost::json;
using namespace mcpgw;
using jsonrpc::Message;

namespace {

// As jsonrpc::parse reads a body (Limits::max_depth), not Boost.JSON's default depth of 32.
json::value parse_deep(std::string_view text, boost::system::error_code& ec) {
  json::parse_options opts;
  opts.max_depth = jsonrpc::Limits{}.max_depth;
  return mcpgw::parse_json(text, ec, opts);
}
json::value parse_deep(std::string_view text) {
  boost::system::error_code ec;
  json::value v = parse_deep(text, ec);
  FUZZ_CHECK(!ec);
  return v;
}

bool valid_id(const json::value& id) {
  return id.is_string() || id.is_int64() || id.is_uint64();
}

void check_shape(const Message& m) {
  switch (m.kind) {
    case Message::Kind::request:
      FUZZ_CHECK(valid_id(m.id));
      [[fallthrough]];
    case Message::Kind::notification:
      FUZZ_CHECK(m.params.is_null() || m.params.is_object() || m.params.is_array());
      FUZZ_CHECK(!m.error && m.result.is_null());
      if (m.kind == Message::Kind::notification) FUZZ_CHECK(m.id.is_null());
      break;
    case Message::Kind::response:
      FUZZ_CHECK(valid_id(m.id));
      FUZZ_CHECK(m.method.empty());
      if (m.error) FUZZ_CHECK(m.result.is_null());
      break;
  }
}

// The message as mcpgw writes one.
json::object written(const Message& m) {
  switch (m.kind) {
    case Message::Kind::request:
      return jsonrpc::request(m.id, m.method, m.params);
    case Message::Kind::notification:
      return jsonrpc::notification(m.method, m.params);
    case Message::Kind::response:
      break;
  }
  return m.error ? jsonrpc::error_response(m.id, *m.error) : jsonrpc::response(m.id, m.result);
}

bool same(const Message& a, const Message& b) {
  if (a.kind != b.kind || a.id != b.id || a.method != b.method || a.params != b.params ||
      a.result != b.result || a.error.has_value() != b.error.has_value())
    return false;
  if (!a.error) return true;
  return a.error->code == b.error->code && a.error->message == b.error->message &&
         a.error->data == b.error->data;
}

void round_trip(const Message& m) {
  const std::string text = json::serialize(written(m));
  const jsonrpc::Parsed again = jsonrpc::parse(text);
  FUZZ_CHECK(!again.failure && !again.batch && again.messages.size() == 1);
  FUZZ_CHECK(same(m, again.messages.front()));
  // mcpgw's own text has no repeated keys and no escapes in member names: raw_member must find
  // exactly what the parser found.
  const json::value whole = parse_deep(text);
  const json::object& o = whole.get_object();
  for (const auto& kv : o) {
    const auto raw = jsonrpc::raw_member(text, kv.key());
    FUZZ_CHECK(raw.has_value());
    FUZZ_CHECK(parse_deep(*raw) == kv.value());
  }
  FUZZ_CHECK(!jsonrpc::raw_member(text, "no such member"));
  // What modern_result.cpp does to a result: members put first, the rest byte for byte.
  const auto grown = jsonrpc::insert_members(text, R"("zz-fuzz":1)");
  FUZZ_CHECK(grown.has_value());
  const json::value g = parse_deep(*grown);
  FUZZ_CHECK(g.is_object() && g.get_object().size() == o.size() + 1);
  FUZZ_CHECK(g.get_object().at("zz-fuzz") == 1);
}

// raw_member on the body as it came (whitespace, nesting, escapes of every kind): whatever it
// returns is one JSON value. (Repeated keys may make it differ from the parsed value: the parser
// keeps the last, raw_member finds the first; mcpgw uses each on text it relays whole.)
void raw_on_input(std::string_view body, const json::value& v) {
  if (!v.is_object()) return;
  for (const auto& kv : v.get_object()) {
    const auto raw = jsonrpc::raw_member(body, kv.key());
    if (!raw) continue;  // a key with escapes is not compared (raw.h)
    boost::system::error_code ec;
    const json::value member = parse_deep(*raw, ec);
    FUZZ_CHECK(!ec);
    // Into the member raw_member found (with repeated keys, not always the one parsed).
    if (member.is_object()) {
      const auto inner = jsonrpc::insert_members(body, R"("zz-fuzz":true)", kv.key());
      FUZZ_CHECK(inner.has_value());
      FUZZ_CHECK(parse_deep(*inner, ec).is_object() && !ec);
    }
  }
}

void check_envelope(const Message& m, std::string_view header_hint) {
  if (m.kind != Message::Kind::request) return;
  const bool has = mcp::has_envelope(m.params);
  std::optional<std::string_view> header;
  // The header a consistent client sends (the body's own version), else the fuzzer's.
  if (has && m.params.at("_meta").at(protocol::meta::kProtocolVersion).is_string() &&
      header_hint.empty())
    header =
        std::string_view(m.params.at("_meta").at(protocol::meta::kProtocolVersion).as_string());
  else if (!header_hint.empty())
    header = header_hint;
  const auto read = mcp::read_envelope(m.params, header);
  if (const auto* e = std::get_if<mcp::Envelope>(&read)) {
    FUZZ_CHECK(has);
    FUZZ_CHECK(protocol::is_modern_version(e->protocol_version));
    FUZZ_CHECK(header && *header == e->protocol_version);
    if (e->log_level) FUZZ_CHECK(protocol::log_level_rank(*e->log_level) >= 0);
    return;
  }
  const auto& r = std::get<mcp::Refusal>(read);
  FUZZ_CHECK(r.http_status == 400);
  const int code = r.error.code;
  FUZZ_CHECK(code == jsonrpc::kInvalidParams || code == protocol::error::kHeaderMismatch ||
             code == protocol::error::kUnsupportedProtocolVersion);
  if (!has) FUZZ_CHECK(code == jsonrpc::kInvalidParams);
  if (code == protocol::error::kUnsupportedProtocolVersion) {
    FUZZ_CHECK(r.error.data && r.error.data->is_object());
    FUZZ_CHECK(r.error.data->as_object().contains("supported"));
  }
  FUZZ_CHECK(!r.error.message.empty());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input = fuzz::as_text(data, size);
  // An optional first line "MCP-Protocol-Version: <v>\n" is the header the request came with.
  std::string_view header;
  constexpr std::string_view kHeader = "MCP-Protocol-Version: ";
  if (input.starts_with(kHeader)) {
    const auto nl = input.find('\n');
    header = input.substr(kHeader.size(), nl == std::string_view::npos ? nl : nl - kHeader.size());
    input.remove_prefix(nl == std::string_view::npos ? input.size() : nl + 1);
  }
  const jsonrpc::Limits limits{};
  const jsonrpc::Parsed p = jsonrpc::parse(input, limits);
  if (p.failure) {
    FUZZ_CHECK(p.messages.empty() && p.invalid.empty());
    FUZZ_CHECK(p.failure->code == jsonrpc::kParseError ||
               p.failure->code == jsonrpc::kInvalidRequest);
    FUZZ_CHECK(p.failure_id.is_null() || valid_id(p.failure_id));
    return 0;
  }
  const json::value v = parse_deep(input);  // it parsed once, so it parses
  if (p.batch) {
    FUZZ_CHECK(v.is_array());
    FUZZ_CHECK(p.messages.size() + p.invalid.size() == v.get_array().size());
    FUZZ_CHECK(v.get_array().size() <= limits.max_batch);
  } else {
    FUZZ_CHECK(p.messages.size() == 1 && p.invalid.empty());
    raw_on_input(input, v);
  }
  for (const auto& inv : p.invalid) {
    FUZZ_CHECK(inv.error.code == jsonrpc::kInvalidRequest);
    FUZZ_CHECK(inv.id.is_null() || valid_id(inv.id));
  }
  for (const auto& m : p.messages) {
    check_shape(m);
    round_trip(m);
    check_envelope(m, header);
  }
  return 0;
}
