#include "auth/secret.h"

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

namespace mcpgw::auth {
namespace {

std::string read_secret_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot read JWT secret: " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' '))
    s.pop_back();
  if (s.size() < kMinSecretBytes)
    throw std::runtime_error(path + ": JWT secret must be at least " +
                             std::to_string(kMinSecretBytes) + " bytes");
  return s;
}

// Creates path with mode 0600 holding a new secret. O_EXCL: if another process won the race, the
// caller reads that process's secret instead.
bool create_secret_file(const std::string& path) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    throw std::runtime_error(path + ": cannot create JWT secret: " + std::strerror(errno));
  }
  const std::string secret = crypto::random_hex(32) + "\n";
  const ssize_t n = ::write(fd, secret.data(), secret.size());
  const bool ok = n == static_cast<ssize_t>(secret.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw std::runtime_error(path + ": cannot write JWT secret");
  }
  return true;
}

}  // namespace

JwtSecret load_or_create_jwt_secret(const config::Config& cfg) {
  if (!cfg.auth.jwt_secret.empty()) return {cfg.auth.jwt_secret, "auth.jwt_secret", false};
  if (!cfg.auth.jwt_secret_file.empty())
    return {read_secret_file(cfg.auth.jwt_secret_file), cfg.auth.jwt_secret_file, false};
  const std::string path = (std::filesystem::path(config::data_dir(cfg)) / "jwt.secret").string();
  const bool generated = !std::filesystem::exists(path) && create_secret_file(path);
  return {read_secret_file(path), path, generated};
}

}  // namespace mcpgw::auth
