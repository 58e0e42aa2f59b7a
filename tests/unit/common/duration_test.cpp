#include "common/duration.h"

#include <catch2/catch.hpp>

using mcpgw::format_duration;
using mcpgw::parse_duration;
using std::chrono::milliseconds;

TEST_CASE("durations parse with every unit", "[duration]") {
  CHECK(parse_duration("250ms") == milliseconds(250));
  CHECK(parse_duration("30s") == milliseconds(30'000));
  CHECK(parse_duration("30") == milliseconds(30'000));
  CHECK(parse_duration("5m") == milliseconds(300'000));
  CHECK(parse_duration("2h") == milliseconds(7'200'000));
  CHECK(parse_duration("1d") == milliseconds(86'400'000));
  CHECK(parse_duration("0s") == milliseconds(0));
}

TEST_CASE("malformed durations are refused", "[duration]") {
  for (const char* bad : {"", "s", "-1s", "1.5s", "1 s", "10x", "1sm", "99999999999999999999s",
                          "9999999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(parse_duration(bad).has_value());
  }
}

TEST_CASE("durations format back to what parses", "[duration]") {
  CHECK(format_duration(milliseconds(90'000)) == "90s");
  CHECK(format_duration(milliseconds(3'600'000)) == "1h");
  CHECK(format_duration(milliseconds(1500)) == "1500ms");
  for (long ms : {0L, 1L, 999L, 60'000L, 86'400'000L, 123'456L})
    CHECK(parse_duration(format_duration(milliseconds(ms))) == milliseconds(ms));
}
