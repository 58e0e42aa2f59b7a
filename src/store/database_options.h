#pragma once
// Where mcpgw's database is and how long a connection waits for a lock. Engine-neutral, so that
// layers above store/ can pass it on without the engine's headers.
#include <chrono>
#include <string>

namespace mcpgw::store {

struct DatabaseOptions {
  std::string path;
  std::chrono::milliseconds busy_timeout{5000};
};

}  // namespace mcpgw::store
