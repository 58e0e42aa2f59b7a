#pragma once
#include <string>

#include "config/config.h"

namespace mcpgw::app {

// Runs the daemon until SIGTERM/SIGINT and a graceful drain. Returns the process exit code.
// token_hint: the command that mints an admin token, logged when a JWT secret is generated.
int serve(const config::Config& cfg, const std::string& token_hint);

}  // namespace mcpgw::app
