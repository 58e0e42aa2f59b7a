#include "common/json_parse.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

namespace json = boost::json;
using mcpgw::parse_json;

namespace {

json::value parsed(std::string_view text, json::parse_options options = {}) {
  boost::system::error_code ec;
  json::value v = parse_json(text, ec, options);
  INFO(text << ": " << ec.message());
  REQUIRE(!ec);
  return v;
}

std::string shortest(double d) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

}  // namespace

TEST_CASE("a double's shortest text reads back as that double", "[json_parse]") {
  // Boost.JSON 1.81's json::parse read 113.17408141314563 as 113.17408141314564, and about one in
  // ten of these.
  CHECK(parsed("113.17408141314563").as_double() == 113.17408141314563);
  CHECK(parsed("494.31128204553835").as_double() == 494.31128204553835);
  CHECK(parsed("1.1844674407370955E20").as_double() == 1.1844674407370955E20);
  std::mt19937_64 random(12);
  std::uniform_real_distribution<double> ordinary(-1000, 1000);
  int wrong = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::uint64_t bits = random();
    double any;
    std::memcpy(&any, &bits, sizeof any);
    for (const double d : {ordinary(random), any}) {
      if (!std::isfinite(d)) continue;
      // An integral one without an exponent (2452385340410536) is read as an integer.
      const json::value v = parsed(shortest(d));
      if (v.to_number<double>() != d) ++wrong;
    }
  }
  CHECK(wrong == 0);
}

TEST_CASE("a long or odd number is read correctly rounded", "[json_parse]") {
  for (const char* text :
       {"9999999999999999999999999999999999999999999999999999999999990.5",
        "1.52222222222222222222222222222222222222222222222222222222222222222222222222",
        "118446744073709551615", "0.1", "-0.0", "2.2250738585072011e-308", "4.9e-324",
        "1.7976931348623157e308", "123456789012345678901234567890e-10", "1E+2", "-1e-2"}) {
    const json::value v = parsed(text);
    INFO(text);
    REQUIRE(v.is_double());
    CHECK(v.as_double() == std::strtod(text, nullptr));
  }
  CHECK(std::signbit(parsed("-0.0").as_double()));
  // Out of a double's range, as json::parse: infinity (refused by its callers) and zero.
  CHECK(std::isinf(parsed("1e400").as_double()));
  CHECK(parsed("1e-400").as_double() == 0);
}

TEST_CASE("integers keep their type and every other value is json::parse's", "[json_parse]") {
  CHECK(parsed("9223372036854775807").is_int64());
  CHECK(parsed("-9223372036854775808").as_int64() == INT64_MIN);
  CHECK(parsed("18446744073709551615").as_uint64() == UINT64_MAX);
  CHECK(parsed("18446744073709551616").is_double());
  const std::string doc =
      R"({"a":[1,-2,3.5,true,false,null,"s\u00e9\n"],"b":{"c":{}},"d":[],"e":"","a":7,)"
      R"("k\"ey":0.30000000000000004})";
  boost::system::error_code ec;
  CHECK(parsed(doc) == json::parse(doc, ec));
  CHECK(parsed(doc).at("k\"ey").as_double() == 0.30000000000000004);
  CHECK(parsed(" [ 1 ] \n").as_array().size() == 1);
}

TEST_CASE("bad JSON fails as json::parse fails", "[json_parse]") {
  for (const char* bad : {"", "{", "[1,]", "01", "1.", "-", "nul", "\"\\x\"", "[1] [2]", "1 2",
                          "{\"a\":1}x", "NaN", "Infinity", "\"\xff\""}) {
    boost::system::error_code ec, boost_ec;
    const json::value v = parse_json(bad, ec);
    (void)json::parse(bad, boost_ec);
    INFO(bad);
    CHECK(ec);
    CHECK(ec == boost_ec);
    CHECK(v.is_null());
  }
}

TEST_CASE("parse options are honoured", "[json_parse]") {
  json::parse_options shallow;
  shallow.max_depth = 2;
  boost::system::error_code ec;
  CHECK(parse_json("[[1]]", ec, shallow).is_array());
  CHECK(!ec);
  (void)parse_json("[[[1]]]", ec, shallow);
  CHECK(ec == json::error::too_deep);
  (void)parse_json("[1] // note", ec);
  CHECK(ec);
  json::parse_options lenient;
  lenient.allow_comments = true;
  lenient.allow_trailing_commas = true;
  CHECK(parse_json("[1, 2.5, /* c */ ] // note", ec, lenient) == json::array{1, 2.5});
  CHECK(!ec);
}

TEST_CASE("the value lives in the storage asked for", "[json_parse]") {
  json::monotonic_resource arena;
  json::storage_ptr sp(&arena);
  boost::system::error_code ec;
  const json::value v = parse_json(R"({"a":[1.25,"x"]})", ec, {}, sp);
  REQUIRE(!ec);
  CHECK(v.storage().get() == &arena);
  CHECK(v.at("a").storage().get() == &arena);
}
