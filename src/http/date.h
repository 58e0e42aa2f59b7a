#pragma once
#include <string_view>

namespace mcpgw::http {
// The current time as an IMF-fixdate for the Date header, formatted at most once a second per
// thread.
std::string_view http_date();
}  // namespace mcpgw::http
