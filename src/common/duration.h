#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mcpgw {

// Parses "250ms", "30s", "5m", "2h", "1d", or a bare integer meaning seconds. No sign, no
// fractions, no overflow: anything else is nullopt.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
// The shortest exact spelling that parse_duration reads back: 90000ms -> "90s", 3600000ms -> "1h".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace mcpgw
