#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace mcpgw {

inline std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "2026-11-21T10:00:00.123Z"
std::string iso8601_utc(std::int64_t unix_ms);

}  // namespace mcpgw
