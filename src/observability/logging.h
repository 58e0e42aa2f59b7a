#pragma once
#include <memory>

#include "config/config.h"
#include "observability/access_log.h"

namespace mcpgw::observability {

// Sets up the default logger ("mcpgw") and the access logger ("access") on stderr, in text or JSON
// lines, at the configured level. Logging is asynchronous with a bounded queue that blocks when
// full, so no line is dropped. Throws std::runtime_error for an unknown level.
void init_logging(const config::LoggingConfig& cfg);

// The access log per cfg (after init_logging), or null when logging.access_log is off.
std::shared_ptr<AccessLog> make_access_log(const config::LoggingConfig& cfg);

// Flushes and stops the logging thread.
void shutdown_logging();

}  // namespace mcpgw::observability
