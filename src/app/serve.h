#pragma once
#include <string>

#include "config/config.h"

namespace mcpgw::app {

// Runs the daemon until SIGTERM/SIGINT and a graceful drain. Returns the process exit code.
// token_hint: the command that mints an admin token, logged when a JWT secret is generated.
// Holds SIGINT and SIGTERM until serve() can drain on them, for this thread and every thread
// started after it (call it before any: the logger's too). One that came in between took the
// default action and killed the process without a drain (seen when a node was stopped right
// after it started). A child process serve() starts must reset its signal mask.
void hold_stop_signals();

int serve(const config::Config& cfg, const std::string& token_hint);

}  // namespace mcpgw::app
