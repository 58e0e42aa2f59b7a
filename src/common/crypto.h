#pragma once
// Thin wrappers over OpenSSL: the only source of randomness and hashing in mcpgw.
#include <cstddef>
#include <string>
#include <string_view>

namespace mcpgw::crypto {

// n bytes from OpenSSL's CSPRNG; throws std::runtime_error if it cannot be seeded (never silently
// weaker randomness).
std::string random_bytes(std::size_t n);
// Lower-case hex of random_bytes(n): 2n characters.
std::string random_hex(std::size_t n);
std::string to_hex(std::string_view bytes);
// Lower-case hex SHA-256 of data.
std::string sha256_hex(std::string_view data);

}  // namespace mcpgw::crypto
