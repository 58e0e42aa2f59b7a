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

TEST_CASE("sealed data opens with its key only, and any change is detected", "[crypto]") {
  const std::string key = sha256("key one"), other = sha256("key two");
  const std::string secret = R"({"type":"bearer","token":"s3cr3t"})";
  const std::string sealed = seal(key, secret);
  CHECK(sealed.find("s3cr3t") == std::string::npos);
  CHECK(seal(key, secret) != sealed);  // a fresh nonce every time
  CHECK(open(key, sealed) == std::optional<std::string>(secret));
  CHECK_FALSE(open(other, sealed));
  for (std::size_t i = 0; i < sealed.size(); i += 7) {
    std::string altered = sealed;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    INFO(i);
    CHECK_FALSE(open(key, altered));
  }
  CHECK_FALSE(open(key, sealed.substr(0, 20)));
  CHECK(open(key, seal(key, "")) == std::optional<std::string>(""));
}

TEST_CASE("base64 of the RFC 4648 vectors", "[crypto]") {
  CHECK(base64("") == "");
  CHECK(base64("f") == "Zg==");
  CHECK(base64("fo") == "Zm8=");
  CHECK(base64("foobar") == "Zm9vYmFy");
}

TEST_CASE("unbase64 reverses base64 and refuses what is not base64", "[crypto]") {
  for (const char* v : {"", "f", "fo", "foo", "foob", "fooba", "foobar"})
    CHECK(unbase64(base64(v)) == v);
  const std::string binary("\0\xff\x10 ", 4);
  CHECK(unbase64(base64(binary)) == binary);
  CHECK_FALSE(unbase64("Zg="));     // not a multiple of 4
  CHECK_FALSE(unbase64("Z!=="));    // not the alphabet
  CHECK_FALSE(unbase64("Zm 9v"));   // whitespace
  CHECK_FALSE(unbase64("Z=g="));    // padding inside
  CHECK_FALSE(unbase64("Zg===="));  // too much padding
}

TEST_CASE("base64url without padding decodes, anything else is refused", "[crypto]") {
  using mcpgw::crypto::unbase64url;
  CHECK(unbase64url("") == std::string());
  CHECK(unbase64url("Zg") == std::string("f"));
  CHECK(unbase64url("Zm8") == std::string("fo"));
  CHECK(unbase64url("Zm9v") == std::string("foo"));
  CHECK(unbase64url("-_8") == std::string("\xfb\xff", 2));
  CHECK_FALSE(unbase64url("Zg=="));  // padding
  CHECK_FALSE(unbase64url("+/8"));   // the standard alphabet
  CHECK_FALSE(unbase64url("Z"));     // no such length
  CHECK_FALSE(unbase64url("Zm9v!"));
}
