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

#include "common/secret_file.h"

namespace mcpgw::auth {
namespace common_secret = mcpgw::secret_file;

JwtSecret load_or_create_jwt_secret(const config::Config& cfg) {
  if (!cfg.auth.jwt_secret.empty()) return {cfg.auth.jwt_secret, "auth.jwt_secret", false};
  if (!cfg.auth.jwt_secret_file.empty())
    return {common_secret::read(cfg.auth.jwt_secret_file, kMinSecretBytes),
            cfg.auth.jwt_secret_file, false};
  const std::string path = (std::filesystem::path(config::data_dir(cfg)) / "jwt.secret").string();
  auto file = common_secret::load_or_create(path, kMinSecretBytes);
  return {std::move(file.value), path, file.generated};
}

}  // namespace mcpgw::auth
