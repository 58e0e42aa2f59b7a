#include "gateway/rest_tool.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <catch2/catch.hpp>

using namespace mcpgw::gateway;
namespace json = boost::json;

namespace {
RestBinding binding(std::string method, std::string url) {
  RestBinding b;
  b.method = std::move(method);
  b.url_template = std::move(url);
  b.headers = {{"X-Api-Key", "k"}};
  return b;
}
std::string header(const OutboundRequest& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}
}  // namespace

TEST_CASE("placeholders are filled from arguments and percent-encoded as one segment", "[rest]") {
  auto b = build_rest_request(binding("GET", "http://127.0.0.1:9/cities/{city}/days/{n}"),
                              json::object{{"city", "São Paulo/../x?y"}, {"n", 3}});
  REQUIRE(b.request);
  CHECK(b.request->url == "http://127.0.0.1:9/cities/S%C3%A3o%20Paulo%2F..%2Fx%3Fy/days/3");
  CHECK(b.request->body.empty());
}

TEST_CASE("GET and DELETE send the other arguments as the query", "[rest]") {
  auto b = build_rest_request(binding("GET", "http://h:1/search?fixed=1"),
                              json::object{{"q", "a&b=c"}, {"limit", 5}, {"exact", true}});
  REQUIRE(b.request);
  // '&' is escaped; '=' may stand in a value (the first '=' splits key from value).
  CHECK(b.request->url == "http://h:1/search?fixed=1&q=a%26b=c&limit=5&exact=true");
  CHECK(header(*b.request, "X-Api-Key") == "k");
  auto d =
      build_rest_request(binding("DELETE", "http://h:1/items/{id}"), json::object{{"id", "7"}});
  CHECK(d.request->url == "http://h:1/items/7");
}

TEST_CASE("other methods send the other arguments as a JSON body", "[rest]") {
  auto b = build_rest_request(binding("POST", "http://h:1/users/{id}/notes"),
                              json::object{{"id", 42}, {"text", "hi"}, {"tags", json::array{"a"}}});
  REQUIRE(b.request);
  CHECK(b.request->url == "http://h:1/users/42/notes");
  CHECK(json::parse(b.request->body) == json::object{{"text", "hi"}, {"tags", json::array{"a"}}});
  CHECK(header(*b.request, "Content-Type") == "application/json");
}

TEST_CASE("a missing placeholder argument is named", "[rest]") {
  auto b = build_rest_request(binding("GET", "http://h:1/x/{id}"), json::object{});
  CHECK_FALSE(b.request);
  CHECK(b.error == "missing argument 'id' (part of the URL)");
}

namespace {
OutboundResponse response(unsigned status, std::string reason, std::string body,
                          std::string content_type, std::optional<UpstreamError> failure) {
  OutboundResponse r;
  r.status = status;
  r.reason = std::move(reason);
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  r.failure = std::move(failure);
  return r;
}
}  // namespace

TEST_CASE("results: text, structuredContent only with an output schema, isError otherwise",
          "[rest]") {
  auto b = binding("GET", "http://h/");
  auto ok = response(200, "OK", R"({"temp":21})", "application/json", std::nullopt);
  auto r = to_call_result(ok, b);
  CHECK(r.at("content").as_array()[0] ==
        json::object{{"type", "text"}, {"text", R"({"temp":21})"}});
  CHECK_FALSE(r.contains("structuredContent"));
  CHECK_FALSE(r.contains("isError"));
  b.has_output_schema = true;
  CHECK(to_call_result(ok, b).at("structuredContent") == json::object{{"temp", 21}});
  auto text = response(200, "OK", "plain", "text/plain", std::nullopt);
  CHECK_FALSE(to_call_result(text, b).contains("structuredContent"));

  auto err =
      response(500, "Internal Server Error", R"({"temp":0})", "application/json", std::nullopt);
  auto e = to_call_result(err, b);
  CHECK(e.at("isError") == true);
  CHECK_FALSE(e.contains("structuredContent"));
  CHECK(std::string(e.at("content").as_array()[0].at("text").as_string())
            .rfind("The tool's upstream answered HTTP 500 Internal Server Error", 0) == 0);
  auto down = response(0, "", "", "",
                       UpstreamError{.kind = UpstreamError::Kind::unreachable,
                                     .detail = "cannot connect to http://h:1: Connection refused"});
  auto f = to_call_result(down, b);
  CHECK(f.at("isError") == true);
  CHECK(std::string(f.at("content").as_array()[0].at("text").as_string())
            .find("Connection refused") != std::string::npos);
}

TEST_CASE("arguments are checked for required properties and types", "[rest]") {
  auto schema = json::parse(R"({"type":"object","required":["city"],"properties":{
      "city":{"type":"string"},"days":{"type":"integer"},"ratio":{"type":"number"},
      "flag":{"type":"boolean"},"opt":{"type":["string","null"]},"any":{}}})")
                    .as_object();
  CHECK_FALSE(check_arguments(schema, json::object{{"city", "x"}}));
  CHECK_FALSE(check_arguments(schema, json::object{{"city", "x"},
                                                   {"days", 3},
                                                   {"ratio", 0.5},
                                                   {"flag", false},
                                                   {"opt", nullptr},
                                                   {"any", 1}}));
  CHECK(check_arguments(schema, json::object{}) ==
        std::optional<std::string>("missing required argument 'city'"));
  CHECK(check_arguments(schema, json::object{{"city", 1}}) ==
        std::optional<std::string>("argument 'city' must be of type string"));
  CHECK(check_arguments(schema, json::object{{"city", "x"}, {"days", 1.5}}));
  CHECK_FALSE(check_arguments(schema, json::object{{"city", "x"}, {"days", 2.0}}));
  CHECK(check_arguments(schema, json::object{{"city", "x"}, {"opt", 5}}) ==
        std::optional<std::string>("argument 'opt' must be of type string or null"));
}

// Found by tests/fuzz/rest_tool (UBSan): 1e300 was cast to long long, which is undefined; JSON
// Schema counts every number without a fraction as an integer.
TEST_CASE("integer arguments: any number without a fraction, however large", "[rest]") {
  const auto schema = json::parse(R"({"properties":{"n":{"type":"integer"}}})").as_object();
  CHECK_FALSE(check_arguments(schema, json::object{{"n", 1e300}}));
  CHECK_FALSE(check_arguments(schema, json::object{{"n", -1e300}}));
  CHECK(check_arguments(schema, json::object{{"n", 0.5}}));
}

// Found by tests/fuzz/rest_tool: Boost.URL 1.81 leaves '[' and ']' raw in a query key, and the
// URL that makes is one no parser takes (Boost.URL's own, in HttpClient, included).
TEST_CASE("query keys and values are percent-encoded where a URL needs it", "[rest]") {
  auto b = build_rest_request(binding("GET", "http://h:1/items"),
                              json::object{{"ids[]", "1"}, {"a[b]", "[x]"}});
  REQUIRE(b.request);
  CHECK(b.request->url == "http://h:1/items?ids%5B%5D=1&a%5Bb%5D=%5Bx%5D");
  CHECK(boost::urls::parse_absolute_uri(b.request->url));
}
