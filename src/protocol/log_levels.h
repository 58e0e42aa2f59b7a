#pragma once
// The syslog severities MCP log messages carry, least severe first.
#include <array>
#include <string_view>

namespace mcpgw::protocol {

inline constexpr std::array<std::string_view, 8> kLogLevels = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};

// The level's place in kLogLevels (higher is more severe); -1 for a name that is none of them.
inline int log_level_rank(std::string_view level) {
  for (std::size_t i = 0; i < kLogLevels.size(); ++i)
    if (kLogLevels[i] == level) return static_cast<int>(i);
  return -1;
}

}  // namespace mcpgw::protocol
