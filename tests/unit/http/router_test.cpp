#include "http/router.h"

#include <catch2/catch.hpp>

using namespace mcpgw::http;
using Kind = RouteMatch::Kind;

namespace {
Router make() {
  Router r;
  r.add("GET", "/health");             // 0
  r.add("POST", "/mcp");               // 1
  r.add("GET", "/mcp");                // 2
  r.add("DELETE", "/mcp");             // 3
  r.add("POST", "/servers/{id}/mcp");  // 4
  r.add("GET", "/v1/tokens");          // 5
  r.add("DELETE", "/v1/tokens/{id}");  // 6
  r.add("GET", "/");                   // 7
  return r;
}
}  // namespace

TEST_CASE("literal routes match by method and path", "[router]") {
  auto r = make();
  auto m = r.match("GET", "/health");
  CHECK(m.kind == Kind::found);
  CHECK(m.index == 0);
  CHECK(r.match("DELETE", "/mcp").index == 3);
  CHECK(r.match("GET", "/").index == 7);
}

TEST_CASE("query strings do not take part in matching", "[router]") {
  auto r = make();
  auto m = r.match("GET", "/v1/tokens?limit=5&x=%2F");
  CHECK(m.kind == Kind::found);
  CHECK(m.index == 5);
}

TEST_CASE("path parameters are captured and percent-decoded", "[router]") {
  auto r = make();
  auto m = r.match("POST", "/servers/abc-123/mcp");
  REQUIRE(m.kind == Kind::found);
  CHECK(m.index == 4);
  CHECK(m.params.get("id") == std::optional<std::string_view>("abc-123"));
  auto enc = r.match("POST", "/servers/a%20b%2Fc/mcp");
  REQUIRE(enc.kind == Kind::found);
  CHECK(enc.params.get("id") == std::optional<std::string_view>("a b/c"));
  CHECK_FALSE(m.params.get("nope"));
}

TEST_CASE("a capture never matches an empty or multi-segment value", "[router]") {
  auto r = make();
  CHECK(r.match("POST", "/servers//mcp").kind == Kind::not_found);
  CHECK(r.match("POST", "/servers/a/b/mcp").kind == Kind::not_found);
}

TEST_CASE("unknown paths are 404 and known paths with other methods are 405 with Allow",
          "[router]") {
  auto r = make();
  CHECK(r.match("GET", "/nope").kind == Kind::not_found);
  CHECK(r.match("GET", "/health/").kind == Kind::not_found);
  CHECK(r.match("GET", "/mcpx").kind == Kind::not_found);
  auto m = r.match("PUT", "/mcp");
  CHECK(m.kind == Kind::method_not_allowed);
  CHECK(m.allow == "POST, GET, DELETE");
  auto p = r.match("GET", "/servers/x/mcp");
  CHECK(p.kind == Kind::method_not_allowed);
  CHECK(p.allow == "POST");
}

TEST_CASE("HEAD falls back to GET", "[router]") {
  auto r = make();
  auto m = r.match("HEAD", "/health");
  CHECK(m.kind == Kind::found);
  CHECK(m.index == 0);
  auto no = r.match("HEAD", "/servers/x/mcp");
  CHECK(no.kind == Kind::method_not_allowed);
  CHECK(no.allow == "POST");
}

TEST_CASE("malformed targets are reported", "[router]") {
  auto r = make();
  CHECK(r.match("GET", "http://example.com/health").kind == Kind::bad_path);
  CHECK(r.match("GET", "/he alth").kind == Kind::bad_path);
  CHECK(r.match("GET", "/%zz").kind == Kind::bad_path);
  CHECK(r.match("GET", "*").kind == Kind::bad_path);
}

TEST_CASE("bad patterns and duplicates are refused at registration", "[router]") {
  Router r;
  r.add("GET", "/a/{id}");
  CHECK_THROWS(r.add("GET", "/a/{id}"));
  CHECK_THROWS(r.add("GET", "a"));
  CHECK_THROWS(r.add("GET", "/a/{id"));
  CHECK_NOTHROW(r.add("POST", "/a/{id}"));
  CHECK(r.routes().size() == 2);
}
