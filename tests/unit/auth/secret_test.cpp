#include "auth/secret.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "support/temp_dir.h"

using namespace mcpgw;

TEST_CASE("a missing secret is generated once with mode 0600 and then reused", "[secret]") {
  test::TempDir dir;
  config::Config cfg;
  cfg.database.path = dir.file("db/mcpgw.db");
  auto first = auth::load_or_create_jwt_secret(cfg);
  CHECK(first.generated);
  CHECK(first.origin == dir.file("db/jwt.secret"));
  CHECK(first.value.size() >= auth::kMinSecretBytes);
  struct stat st {};
  REQUIRE(::stat(first.origin.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto second = auth::load_or_create_jwt_secret(cfg);
  CHECK_FALSE(second.generated);
  CHECK(second.value == first.value);
}

TEST_CASE("configured secrets win; short secret files are refused", "[secret]") {
  test::TempDir dir;
  config::Config cfg;
  cfg.database.path = dir.file("mcpgw.db");
  cfg.auth.jwt_secret = std::string(40, 'k');
  CHECK(auth::load_or_create_jwt_secret(cfg).value == std::string(40, 'k'));
  cfg.auth.jwt_secret.clear();
  cfg.auth.jwt_secret_file = dir.file("s");
  std::ofstream(dir.file("s")) << std::string(32, 'z') << "\n";
  CHECK(auth::load_or_create_jwt_secret(cfg).value == std::string(32, 'z'));
  std::ofstream(dir.file("s")) << "short\n";
  CHECK_THROWS_WITH(auth::load_or_create_jwt_secret(cfg), Catch::Matchers::Contains("at least 32"));
  cfg.auth.jwt_secret_file = dir.file("absent");
  CHECK_THROWS_WITH(auth::load_or_create_jwt_secret(cfg), Catch::Matchers::Contains("absent"));
}
