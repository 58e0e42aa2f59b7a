// Values of the headers the modern era mirrors from the body (Mcp-Name, Mcp-Param-*;
// protocol/header_value.h), both ways: the input as a received header value, and as a value
// mcpgw encodes for an upstream.
//
// Invariants: decoding is total; what decodes is trimmed and, unless it came in the sentinel
// form, visible ASCII; encoding gives a value that can go on the wire (visible ASCII, inner
// spaces, no surrounding whitespace) and decodes to exactly the value encoded; decoding what
// decoding gave, encoded again, is stable.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "protocol/header_value.h"

using namespace mcpgw;

namespace {

bool wire_safe(std::string_view v) {
  if (v.empty()) return true;
  if (v.front() == ' ' || v.back() == ' ') return false;
  for (char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (!(u == ' ' || (u >= 0x21 && u <= 0x7e))) return false;
  }
  return true;
}

void encode_decode(std::string_view value) {
  const std::string encoded = protocol::encode_header_value(value);
  FUZZ_CHECK(wire_safe(encoded));
  const auto back = protocol::decode_header_value(encoded);
  FUZZ_CHECK(back.has_value());
  FUZZ_CHECK(*back == value);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = fuzz::as_text(data, size);

  const std::string_view trimmed = protocol::trim_ows(input);
  FUZZ_CHECK(trimmed.empty() || (trimmed.front() != ' ' && trimmed.front() != '\t' &&
                                 trimmed.back() != ' ' && trimmed.back() != '\t'));
  FUZZ_CHECK(protocol::trim_ows(trimmed) == trimmed);

  if (const auto decoded = protocol::decode_header_value(input)) {
    const bool sentinel =
        trimmed.starts_with("=?base64?") && trimmed.ends_with("?=") && trimmed.size() >= 11;
    if (!sentinel) FUZZ_CHECK(*decoded == trimmed);
    encode_decode(*decoded);
  }
  encode_decode(input);
  return 0;
}
