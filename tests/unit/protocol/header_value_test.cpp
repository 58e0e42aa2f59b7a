#include "protocol/header_value.h"

#include <catch2/catch.hpp>

using mcpgw::protocol::decode_header_value;
using mcpgw::protocol::encode_header_value;

// The examples of 2026-07-28 basic/transports/streamable-http, "Value Encoding".
TEST_CASE("header values: plain ASCII as it is, anything else in the base64 sentinel",
          "[protocol]") {
  CHECK(encode_header_value("us-west1") == "us-west1");
  CHECK(encode_header_value("a b") == "a b");
  CHECK(encode_header_value("Hello, 世界") == "=?base64?SGVsbG8sIOS4lueVjA==?=");
  CHECK(encode_header_value(" padded ") == "=?base64?IHBhZGRlZCA=?=");
  CHECK(encode_header_value("line1\nline2") == "=?base64?bGluZTEKbGluZTI=?=");
  CHECK(encode_header_value("=?base64?literal?=") == "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=");
  CHECK(encode_header_value("tab\there") == "=?base64?dGFiCWhlcmU=?=");
  CHECK(encode_header_value("") ==
        "=?base64?"
        "?=");
}

TEST_CASE("header values decode: trimmed, sentinel decoded, malformed refused", "[protocol]") {
  CHECK(decode_header_value("us-west1") == "us-west1");
  CHECK(decode_header_value("  get_weather \t") == "get_weather");
  CHECK(decode_header_value("=?base64?SGVsbG8sIOS4lueVjA==?=") == "Hello, 世界");
  CHECK(decode_header_value(" =?base64?IHBhZGRlZCA=?= ") == " padded ");
  CHECK(decode_header_value("=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=") == "=?base64?literal?=");
  CHECK(decode_header_value("=?base64?"
                            "?=") == "");
  // Malformed: base64 that is not, bytes outside visible ASCII, control characters.
  CHECK_FALSE(decode_header_value("=?base64?!!!?="));
  CHECK_FALSE(decode_header_value("=?base64?abc?="));
  CHECK_FALSE(decode_header_value("caf\xc3\xa9"));
  CHECK_FALSE(decode_header_value("a\x01z"));
  // Markers are case-sensitive: anything else is a plain value.
  CHECK(decode_header_value("=?BASE64?SGk=?=") == "=?BASE64?SGk=?=");
  for (const char* v : {"x", "Hello, 世界", " lead", "trail ", "=?base64?x?=", "a\r\nb"})
    CHECK(decode_header_value(encode_header_value(v)) == v);
}
