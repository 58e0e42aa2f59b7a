#include "admin/validation.h"

#include <boost/beast/http/field.hpp>
#include <catch2/catch.hpp>

using namespace mcpgw;

namespace {
http::Request post(std::string body) {
  http::Request req{boost::beast::http::verb::post, "/v1/tools", 11};
  req.set(boost::beast::http::field::content_type, "application/json");
  req.body() = std::move(body);
  return req;
}
}  // namespace

TEST_CASE("admin bodies: a JSON object, else 400 (415 for another media type)", "[admin]") {
  CHECK(admin::parse_json_object_body(post(R"({"name":"t"})")).value);
  CHECK(admin::parse_json_object_body(post("[1]")).error->result_int() == 400);
  auto req = post("{}");
  req.set(boost::beast::http::field::content_type, "text/plain");
  CHECK(admin::parse_json_object_body(req).error->result_int() == 415);
}

// The cause of what tests/fuzz/jsonrpc_message found, here for admin bodies: 1e400 is read as
// infinity, which would be stored as `Infinity` (no JSON) in the tool's schema.
TEST_CASE("admin bodies: a number a double cannot hold is refused", "[admin]") {
  const auto b =
      admin::parse_json_object_body(post(R"({"name":"t","input_schema":{"maximum":1e400}})"));
  CHECK_FALSE(b.value);
  REQUIRE(b.error);
  CHECK(b.error->result_int() == 400);
}
