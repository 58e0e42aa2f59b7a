#include "common/crypto.h"

#include <catch2/catch.hpp>

using namespace mcpgw::crypto;

TEST_CASE("sha256 matches the known vector", "[crypto]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("random hex has the asked length and differs each time", "[crypto]") {
  auto a = random_hex(16), b = random_hex(16);
  CHECK(a.size() == 32);
  CHECK(a != b);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
}
