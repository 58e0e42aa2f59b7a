#pragma once
#include <string>

#include "config/config.h"

namespace mcpgw::auth {

struct JwtSecret {
  std::string value;
  std::string origin;      // "auth.jwt_secret", a file path
  bool generated = false;  // true when this call created <data dir>/jwt.secret
};

// The HS256 secret from config: auth.jwt_secret, else auth.jwt_secret_file, else
// <data dir>/jwt.secret, which is created (32 random bytes, hex, mode 0600) when absent.
// Throws std::runtime_error with the path and cause when it cannot be read or is too short.
JwtSecret load_or_create_jwt_secret(const config::Config& cfg);

inline constexpr std::size_t kMinSecretBytes = 32;

}  // namespace mcpgw::auth
