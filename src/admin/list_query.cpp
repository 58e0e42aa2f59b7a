#include "admin/list_query.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <charconv>
#include <set>

#include "common/json_parse.h"

namespace mcpgw::admin {
namespace json = boost::json;

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int s : {18, 12, 6, 0})
      out += kAlphabet[(n >> s) & 63];
  }
  if (const auto rest = in.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (rest == 2) out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  unsigned n = 0;
  int bits = 0;
  for (char c : in) {
    const auto v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    n = (n << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((n >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string encode_cursor(const PagePosition& last) {
  return base64url(json::serialize(json::array{last.name, last.id}));
}

// No length cap of its own: a cursor is as long as the names it holds (an upstream's resource or
// prompt name has no bound, and JSON writes a control character in six), and the request line
// that carries it is bounded already (server.max_header_bytes).
std::optional<PagePosition> decode_cursor(std::string_view cursor) {
  if (cursor.empty()) return std::nullopt;
  auto text = unbase64url(cursor);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto v = parse_json(*text, ec);
  if (ec || !v.is_array() || v.get_array().size() != 2 || !v.get_array()[0].is_string() ||
      !v.get_array()[1].is_string())
    return std::nullopt;
  return PagePosition{std::string(v.get_array()[0].get_string()),
                      std::string(v.get_array()[1].get_string())};
}

std::optional<ListQuery> parse_list_query(std::string_view target, unsigned allowed,
                                          FieldErrors& errors) {
  ListQuery q;
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    errors.add("query", "is not a valid query string");
    return std::nullopt;
  }
  struct Param {
    std::string_view name;
    unsigned filter;  // 0: always accepted
    std::optional<std::string> ListQuery::*member;
  };
  static const Param kParams[] = {
      {"name", kFilterName, &ListQuery::name},
      {"tag", kFilterTag, &ListQuery::tag},
      {"gateway", kFilterGateway, &ListQuery::gateway},
      {"integration_type", kFilterIntegrationType, &ListQuery::integration_type},
  };
  std::set<std::string> seen;
  for (const auto& p : url->params()) {
    if (!seen.insert(p.key).second) {
      errors.add(p.key, "is given more than once");
      continue;
    }
    if (p.key == "limit") {
      int n = 0;
      const auto* end = p.value.data() + p.value.size();
      auto [ptr, ec] = std::from_chars(p.value.data(), end, n);
      if (ec != std::errc() || ptr != end || n < 1 || n > kMaxPageSize)
        errors.add("limit", "must be a whole number from 1 to " + std::to_string(kMaxPageSize));
      else
        q.limit = n;
      continue;
    }
    if (p.key == "cursor") {
      q.after = decode_cursor(p.value);
      if (!q.after) errors.add("cursor", "is not a cursor from a previous page of this list");
      continue;
    }
    const Param* known = nullptr;
    for (const auto& k : kParams)
      if (k.name == p.key && (allowed & k.filter)) known = &k;
    if (!known) {
      errors.add(p.key, "unknown query parameter");
      continue;
    }
    if (p.value.empty() || p.value.size() > 200) {
      errors.add(p.key, "must be 1 to 200 characters");
      continue;
    }
    q.*(known->member) = p.value;
  }
  if (q.integration_type && *q.integration_type != "REST" && *q.integration_type != "MCP")
    errors.add("integration_type", "must be REST or MCP");
  if (!errors.empty()) return std::nullopt;
  return q;
}

json::object page_json(json::array items, const ListQuery& q) {
  std::optional<std::string> next;
  if (items.size() > static_cast<std::size_t>(q.limit)) {
    items.resize(static_cast<std::size_t>(q.limit));
    const auto& last = items.back().get_object();
    next = encode_cursor(
        {std::string(last.at("name").get_string()), std::string(last.at("id").get_string())});
  }
  json::object out{{"items", std::move(items)}};
  if (next) out["next_cursor"] = *next;
  return out;
}

store::ListQuery store_query(const ListQuery& q) {
  store::ListQuery out;
  out.limit = q.limit + 1;
  if (q.after) out.after = std::pair{q.after->name, q.after->id};
  out.name_contains = q.name;
  out.tag = q.tag;
  out.gateway_id = q.gateway;
  out.integration_type = q.integration_type;
  return out;
}

}  // namespace mcpgw::admin
