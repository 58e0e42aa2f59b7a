#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace mcpgw::app {

// Runs `mcpgw <args...>` and returns the exit code: 0 success, 1 failure, 2 usage error. Errors
// are one line on err.
int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace mcpgw::app
