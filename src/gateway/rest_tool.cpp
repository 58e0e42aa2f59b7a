#include "gateway/rest_tool.h"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/url.hpp>
#include <cmath>
#include <set>

#include "common/json_parse.h"

namespace mcpgw::gateway {
namespace json = boost::json;

namespace {

// A scalar argument as text: strings as they are, anything else as its JSON.
std::string as_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return json::serialize(v);
}

// The query's keys and values are percent-encoded here, not by params().append(): Boost.URL 1.81
// leaves '[' and ']' raw in a key ("ids[]"), and no URL parser, its own included, takes that.
constexpr auto kQueryKeyChars = boost::urls::pchars + '/' + '?' - '&' - '=';
constexpr auto kQueryValueChars = boost::urls::pchars + '/' + '?' - '&';

bool type_matches(const json::value& v, std::string_view type) {
  if (type == "string") return v.is_string();
  // A number with no fraction is an integer (JSON Schema), 1e300 too: no cast to an integer
  // type, which is undefined for a double out of its range.
  if (type == "integer")
    return v.is_int64() || v.is_uint64() ||
           (v.is_double() && std::isfinite(v.get_double()) &&
            std::trunc(v.get_double()) == v.get_double());
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_bool();
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "null") return v.is_null();
  return true;  // a type this check does not know is not held against the caller
}

}  // namespace

BuiltRequest build_rest_request(const RestBinding& b, const json::object& arguments) {
  BuiltRequest out;
  std::string url;
  std::set<std::string> used;
  const std::string& t = b.url_template;
  for (std::size_t i = 0; i < t.size();) {
    if (t[i] == '{') {
      const auto close = t.find('}', i);
      if (close == std::string::npos) {
        out.error = "the tool's URL has an unclosed '{'";
        return out;
      }
      const std::string name = t.substr(i + 1, close - i - 1);
      auto it = arguments.find(name);
      if (it == arguments.end() || it->value().is_null()) {
        out.error = "missing argument '" + name + "' (part of the URL)";
        return out;
      }
      url += boost::urls::encode(as_text(it->value()), boost::urls::unreserved_chars);
      used.insert(name);
      i = close + 1;
    } else {
      url += t[i++];
    }
  }
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) {
    out.error = "the tool's URL is not valid once filled: " + url;
    return out;
  }
  OutboundRequest r;
  r.method = b.method;
  r.timeout = b.timeout;
  r.headers = b.headers;
  json::object rest;
  for (const auto& kv : arguments)
    if (!used.count(std::string(kv.key()))) rest.emplace(kv.key(), kv.value());
  if (b.method == "GET" || b.method == "DELETE") {
    boost::urls::url u(*parsed);
    for (const auto& kv : rest) {
      const std::string key = boost::urls::encode(kv.key(), kQueryKeyChars);
      const std::string value = boost::urls::encode(as_text(kv.value()), kQueryValueChars);
      u.encoded_params().append(
          {boost::urls::pct_string_view(key), boost::urls::pct_string_view(value)});
    }
    r.url = std::string(u.buffer());
  } else {
    r.url = url;
    r.body = json::serialize(rest);
    r.headers.emplace_back("Content-Type", "application/json");
  }
  r.headers.emplace_back("Accept", "application/json, text/plain;q=0.9, */*;q=0.5");
  out.request = std::move(r);
  return out;
}

json::object to_call_result(const OutboundResponse& r, const RestBinding& b) {
  auto text = [](std::string s) {
    return json::array{json::object{{"type", "text"}, {"text", std::move(s)}}};
  };
  if (r.status == 0)
    return json::object{
        {"content", text("The tool's upstream could not be reached: " + r.failure_text())},
        {"isError", true}};
  if (r.status < 200 || r.status > 299) {
    constexpr std::size_t kShown = 2000;
    std::string msg = "The tool's upstream answered HTTP " + std::to_string(r.status) +
                      (r.reason.empty() ? "" : " " + r.reason);
    if (!r.body.empty())
      msg += ": " + r.body.substr(0, kShown) + (r.body.size() > kShown ? "…" : "");
    return json::object{{"content", text(std::move(msg))}, {"isError", true}};
  }
  json::object result{{"content", text(r.body)}};
  if (b.has_output_schema) {
    boost::system::error_code ec;
    auto v = parse_json(r.body, ec);
    if (!ec && v.is_object()) result["structuredContent"] = std::move(v);
  }
  return result;
}

std::optional<std::string> check_arguments(const json::object& schema, const json::object& args) {
  if (auto req = schema.find("required"); req != schema.end() && req->value().is_array())
    for (const auto& name : req->value().get_array())
      if (name.is_string() && !args.contains(name.get_string()))
        return "missing required argument '" + std::string(name.get_string()) + "'";
  auto props = schema.find("properties");
  if (props == schema.end() || !props->value().is_object()) return std::nullopt;
  for (const auto& kv : args) {
    auto p = props->value().get_object().find(kv.key());
    if (p == props->value().get_object().end() || !p->value().is_object()) continue;
    auto type = p->value().get_object().find("type");
    if (type == p->value().get_object().end()) continue;
    bool ok = false;
    std::string expected;
    if (type->value().is_string()) {
      ok = type_matches(kv.value(), type->value().get_string());
      expected = type->value().get_string();
    } else if (type->value().is_array()) {
      for (const auto& t : type->value().get_array())
        if (t.is_string()) {
          ok = ok || type_matches(kv.value(), t.get_string());
          expected += (expected.empty() ? "" : " or ") + std::string(t.get_string());
        }
    } else {
      ok = true;
    }
    if (!ok) return "argument '" + std::string(kv.key()) + "' must be of type " + expected;
  }
  return std::nullopt;
}

}  // namespace mcpgw::gateway
