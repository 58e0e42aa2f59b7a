#pragma once
#include <string_view>

namespace mcpgw {
std::string_view version();       // "0.1.0"
std::string_view git_revision();  // short hash at configure time, or "unknown"
}  // namespace mcpgw
