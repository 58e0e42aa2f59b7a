// Admin API request bodies (POST, PUT, PATCH of /v1/tools and /v1/servers): the JSON body rule
// (admin/validation.h), the field readers (admin/fields.h), read_tool (admin/tool_input.h) and
// read_server (admin/server_input.h), the PATCH path (read-only members dropped, JSON Merge
// Patch into the stored tool), and what the gateway later makes of an accepted tool: its REST
// request (gateway/rest_tool.h) and the headers of its credentials (gateway/catalog.h).
//
// Input: "<request body>\0<arguments JSON of a later call>".
//
// Invariants: every reader is total and reports each problem as a field error (422); an accepted
// tool has a valid name, and every call of it with its URL placeholders given builds a request
// (the URL check at write time is the one the call needs); its headers and its credentials'
// headers are valid header fields (no CR, LF or NUL: nothing an admin writes can add a header);
// an accepted server has its ids sorted and distinct; merge patch is idempotent; after
// drop_read_only no read-only member is left; an error response is valid JSON.
#include <boost/beast/http/field.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <string>

#include "admin/fields.h"
#include "admin/server_input.h"
#include "admin/tool_input.h"
#include "admin/validation.h"
#include "common/json_parse.h"
#include "fuzz_json.h"
#include "fuzz_support.h"
#include "gateway/catalog.h"
#include "gateway/rest_tool.h"

namespace json = boost::json;
using namespace mcpgw;

namespace {

// A stored REST tool as GET /v1/tools/{id} shows it.
const json::object& stored_tool() {
  static const json::object t = json::parse(R"({
    "id":"t1","name":"weather","description":"d","integration_type":"REST",
    "request_type":"GET","url":"https://api.example.com/{city}","headers":{"X-Key":"k"},
    "input_schema":{"type":"object"},"output_schema":null,"annotations":{},"timeout_ms":5000,
    "auth_type":"bearer","tags":["a"],"enabled":true,"gateway_id":null,"original_name":null,
    "created_at":1,"updated_at":2,"has_credentials":true})")
                                    .as_object();
  return t;
}

void valid_errors(const admin::FieldErrors& e) {
  const http::Response res = e.to_response();
  FUZZ_CHECK(res.result_int() == 422);
  boost::system::error_code ec;
  FUZZ_CHECK(mcpgw::parse_json(res.body(), ec).is_object() && !ec);
}

void check_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
  for (const auto& [k, v] : headers)
    FUZZ_CHECK(admin::valid_header(k, v));
}

// What is stored is written as JSON and read back when the catalog loads: it must read back.
void stored_as_json(const json::value& v) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;
  FUZZ_CHECK(mcpgw::parse_json(json::serialize(v), ec, opts) == v && !ec);
}

void accepted_tool(const admin::ToolInput& t, const json::object& arguments) {
  FUZZ_CHECK(!t.name.empty() && t.name.size() <= 128);
  stored_as_json(t.input_schema);
  stored_as_json(t.annotations);
  if (t.output_schema) stored_as_json(*t.output_schema);
  gateway::RestBinding b;
  b.method = t.request_type;
  b.url_template = t.url;
  for (const auto& kv : t.headers) {
    FUZZ_CHECK(kv.value().is_string());
    b.headers.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
  }
  check_headers(b.headers);
  const gateway::BuiltRequest built = gateway::build_rest_request(b, arguments);
  if (!built.request) FUZZ_CHECK(built.error.starts_with("missing argument"));
  if (t.credentials) check_headers(gateway::credential_headers(*t.credentials));
  FUZZ_CHECK(t.auth_type == "none" || t.auth_type == "bearer" || t.auth_type == "basic" ||
             t.auth_type == "headers");
}

void tool_body(const json::object& body, const json::object& arguments) {
  admin::FieldErrors e;
  const auto t = admin::read_tool(body, e);
  FUZZ_CHECK(t.has_value() == e.empty());
  if (t)
    accepted_tool(*t, arguments);
  else
    valid_errors(e);

  // PATCH: the body's read-only members dropped, the rest merged into the stored tool.
  json::object patch = body;
  admin::FieldErrors pe;
  admin::drop_read_only(patch, stored_tool(), admin::kToolReadOnly, pe);
  for (auto f : admin::kToolReadOnly)
    FUZZ_CHECK(!patch.contains(f));
  json::object candidate = admin::tool_input_fields(stored_tool());
  admin::merge_patch(candidate, patch);
  json::object twice = candidate;
  admin::merge_patch(twice, patch);
  FUZZ_CHECK(twice == candidate);
  admin::check_discovered_tool_change(patch, candidate, admin::tool_input_fields(stored_tool()),
                                      pe);
  const auto patched = admin::read_tool(candidate, pe, true);
  if (patched) accepted_tool(*patched, arguments);
}

void server_body(const json::object& body) {
  admin::FieldErrors e;
  const auto s = admin::read_server(body, e);
  FUZZ_CHECK(s.has_value() == e.empty());
  if (!s) {
    valid_errors(e);
    return;
  }
  FUZZ_CHECK(!s->name.empty() && s->name.size() <= 200);
  for (const auto* ids : {&s->tool_ids, &s->resource_ids, &s->prompt_ids})
    for (std::size_t i = 1; i < ids->size(); ++i)
      FUZZ_CHECK((*ids)[i - 1] < (*ids)[i]);
  for (const auto& tag : s->tags)
    FUZZ_CHECK(admin::valid_tag(tag));
}

void credentials(const json::object& body) {
  for (bool keep : {false, true}) {
    admin::FieldErrors e;
    const admin::CredentialsInput c = admin::read_credentials(body, e, keep);
    if (!e.empty() || !c.credentials) continue;
    FUZZ_CHECK(c.credentials->at("type").as_string() == c.auth_type);
    check_headers(gateway::credential_headers(*c.credentials));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  http::Request req{boost::beast::http::verb::post, "/v1/tools", 11};
  req.set(boost::beast::http::field::content_type, "application/json; charset=utf-8");
  req.body() = std::string(fuzz::next_part(rest));
  const admin::JsonBody parsed = admin::parse_json_object_body(req);
  FUZZ_CHECK(parsed.value.has_value() != parsed.error.has_value());
  if (!parsed.value) return 0;
  const json::object& body = parsed.value->get_object();

  tool_body(body, fuzz::object_or_empty(rest));
  server_body(body);
  credentials(body);
  return 0;
}
