#include "common/secret_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/crypto.h"

namespace mcpgw::secret_file {
namespace {

std::string read_file(const std::string& path, std::size_t min_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read the secret: " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  if (s.size() < min_bytes)
    throw std::runtime_error(path + ": the secret must be at least " + std::to_string(min_bytes) +
                             " bytes");
  return s;
}

// Creates path with mode 0600 holding a new secret. O_EXCL: if another process won the race, the
// caller reads that process's secret instead.
bool create_secret_file(const std::string& path) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw std::runtime_error(path + ": cannot create the secret: " + std::strerror(errno));
  }
  const std::string secret = crypto::random_hex(32) + "\n";
  const ssize_t n = ::write(fd, secret.data(), secret.size());
  const bool ok = n == static_cast<ssize_t>(secret.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw std::runtime_error(path + ": cannot write the secret");
  }
  return true;
}

}  // namespace

std::string read(const std::string& path, std::size_t min_bytes) {
  return read_file(path, min_bytes);
}

Loaded load_or_create(const std::string& path, std::size_t min_bytes) {
  const bool generated = !std::filesystem::exists(path) && create_secret_file(path);
  return {read_file(path, min_bytes), generated};
}

}  // namespace mcpgw::secret_file
