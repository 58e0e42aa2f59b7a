#pragma once
// Secret files: read one (trailing newline stripped, a minimum length enforced), or create it
// with 32 random bytes in hex, mode 0600, when it does not exist (O_EXCL: concurrent starts
// agree on one secret). Throws std::runtime_error naming the path.
#include <cstddef>
#include <string>

namespace mcpgw::secret_file {

struct Loaded {
  std::string value;
  bool generated = false;
};

std::string read(const std::string& path, std::size_t min_bytes);
Loaded load_or_create(const std::string& path, std::size_t min_bytes);

}  // namespace mcpgw::secret_file
