#pragma once
// Thin wrappers over OpenSSL: the only source of randomness and hashing in mcpgw.
#include <cstddef>
#include <optional>
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
// Raw 32-byte SHA-256 of data.
std::string sha256(std::string_view data);

// Standard base64 (with padding).
std::string base64(std::string_view data);
// The bytes of standard base64 text (padding required, no whitespace); nullopt when it is not.
std::optional<std::string> unbase64(std::string_view text);
// The bytes of base64url text without padding (RFC 7515 section 2, as in JWTs and JWKs).
std::optional<std::string> unbase64url(std::string_view text);

// AES-256-GCM with a random 96-bit nonce: "v1" | nonce | ciphertext | tag. key: 32 bytes.
std::string seal(std::string_view key, std::string_view plaintext);
// The plaintext, or nullopt when the data was not sealed with this key or was altered.
std::optional<std::string> open(std::string_view key, std::string_view sealed);

}  // namespace mcpgw::crypto
