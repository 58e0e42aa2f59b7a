// List cursors, both kinds a client hands back: the admin API's query (?limit=&cursor=&name=...,
// admin/list_query.h: base64url of a JSON [name, id]) and MCP's list cursors
// (mcp/methods/params.h: the hex of the last key, read by ListParams). The first byte picks the
// filters the endpoint allows; the rest is the request-target's query (or a bare cursor).
//
// Invariants: parsing is total; an accepted query is within its rules (limit 1..500, a filter
// only when allowed, integration_type REST or MCP); a decoded cursor encodes back to a cursor
// that decodes to the same position; and the cursor a page gives for its last item (page_json)
// is one the next request's query accepts, naming that item, for any item name: a client must
// always be able to ask for the next page.
#include <boost/json.hpp>
#include <cstdint>
#include <string>

#include "admin/list_query.h"
#include "fuzz_support.h"
#include "mcp/methods/params.h"

namespace json = boost::json;
using namespace mcpgw;

namespace {

void admin_query(std::string_view query, unsigned allowed) {
  const std::string target = "/v1/tools?" + std::string(query);
  admin::FieldErrors errors;
  const auto q = admin::parse_list_query(target, allowed, errors);
  FUZZ_CHECK(q.has_value() == errors.empty());
  if (!q) {
    static_cast<void>(errors.to_response());
    return;
  }
  FUZZ_CHECK(q->limit >= 1 && q->limit <= admin::kMaxPageSize);
  if (q->name) FUZZ_CHECK(allowed & admin::kFilterName);
  if (q->tag) FUZZ_CHECK(allowed & admin::kFilterTag);
  if (q->gateway) FUZZ_CHECK(allowed & admin::kFilterGateway);
  if (q->integration_type)
    FUZZ_CHECK(*q->integration_type == "REST" || *q->integration_type == "MCP");
  if (q->after) {
    const auto again = admin::decode_cursor(admin::encode_cursor(*q->after));
    FUZZ_CHECK(again && *again == *q->after);
  }
  const store::ListQuery sq = admin::store_query(*q);
  FUZZ_CHECK(sq.limit == q->limit + 1);
}

// A page of two items whose first is named `name`, asked with limit=1: the cursor it gives must
// be accepted by the next request's query and name that item.
void next_page(const std::string& name, const std::string& id) {
  admin::ListQuery q;
  q.limit = 1;
  json::array items{json::object{{"name", name}, {"id", id}},
                    json::object{{"name", "zzz"}, {"id", "2"}}};
  const json::object page = admin::page_json(std::move(items), q);
  FUZZ_CHECK(page.contains("next_cursor"));
  const std::string cursor(page.at("next_cursor").as_string());
  admin::FieldErrors errors;
  const auto next = admin::parse_list_query("/v1/tools?limit=1&cursor=" + cursor, 0, errors);
  FUZZ_CHECK(next && next->after);
  FUZZ_CHECK(next->after->name == name && next->after->id == id);
}

void mcp_cursor(std::string_view cursor) {
  const auto key = mcp::decode_cursor(cursor);
  if (key) FUZZ_CHECK(mcp::encode_cursor(*key) == cursor);  // hex, lower case: one spelling
  const auto back = mcp::decode_cursor(mcp::encode_cursor(cursor));
  FUZZ_CHECK(back && *back == cursor);
  mcp::ListParams p;
  const json::object params{{"cursor", json::string(cursor)}};
  const auto why = mcp::ListParams::parse(params, p);
  FUZZ_CHECK(why.has_value() != key.has_value());
  if (key) FUZZ_CHECK(p.after == key);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned allowed = data[0] & 0x0f;
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  admin_query(rest, allowed);

  const auto position = admin::decode_cursor(rest);
  if (position) {
    const auto again = admin::decode_cursor(admin::encode_cursor(*position));
    FUZZ_CHECK(again && *again == *position);
  }
  mcp_cursor(rest);

  // Item names come from admins (tools: 128 characters of a small alphabet) but also from
  // upstream servers (resources, prompts, federated tools): any valid UTF-8 text, any length.
  if (fuzz::valid_utf8(rest)) {
    const auto nul = rest.find('\0');
    const std::string name(rest.substr(0, nul));
    const std::string id(nul == std::string_view::npos ? "1" : rest.substr(nul + 1));
    if (fuzz::valid_utf8(id)) next_page(name, id);
  }
  return 0;
}
