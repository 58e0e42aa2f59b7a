#include "app/cli.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "auth/jwt.h"
#include "auth/secret.h"
#include "config/config.h"
#include "support/temp_dir.h"

using namespace mcpgw;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
struct Run {
  int code;
  std::string out, err;
};
Run run(std::vector<std::string> args) {
  args.insert(args.begin(), "mcpgw");
  std::ostringstream out, err;
  int code = app::run_cli(args, out, err);
  return {code, out.str(), err.str()};
}
}  // namespace

TEST_CASE("help and version", "[cli]") {
  CHECK(run({"--help"}).code == 0);
  CHECK_THAT(run({"--help"}).out, Contains("serve") && Contains("token"));
  for (const char* cmd : {"serve", "migrate", "check-config", "token", "version"}) {
    auto r = run({cmd, "--help"});
    INFO(cmd);
    CHECK(r.code == 0);
    CHECK_THAT(r.out, StartsWith("Usage:"));
  }
  auto v = run({"version"});
  CHECK(v.code == 0);
  CHECK_THAT(v.out, StartsWith("mcpgw 0."));
}

TEST_CASE("usage errors exit 2 with one line on stderr", "[cli]") {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"frobnicate"},
           {"serve", "--bogus"},
           {"serve", "-c"},
           {"token", "create", "--scope", "admin"},
           {"token", "create", "--sub", "a"},
           {"token", "create", "--sub", "a", "--scope", "root"},
           {"token", "create", "--sub", "a", "--scope", "mcp", "--ttl", "soon"},
           {"token", "frob"}}) {
    auto r = run(args);
    INFO(args[0] << " " << (args.size() > 1 ? args[1] : ""));
    CHECK(r.code == 2);
    CHECK_THAT(r.err, StartsWith("mcpgw: "));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
  CHECK(run({}).code == 2);
}

TEST_CASE("check-config reports a bad file with one line and exit 1", "[cli]") {
  test::TempDir dir;
  std::ofstream(dir.file("bad.yaml")) << "server:\n  port: nope\n";
  auto r = run({"check-config", "-c", dir.file("bad.yaml")});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Contains("bad.yaml:2") && Contains("server.port"));
  std::ofstream(dir.file("good.yaml")) << "server:\n  port: 9999\n";
  auto ok = run({"check-config", "--config=" + dir.file("good.yaml")});
  CHECK(ok.code == 0);
  CHECK_THAT(ok.out, Contains("configuration ok"));
}

TEST_CASE("migrate, then token create prints a JWT the daemon would accept", "[cli]") {
  test::TempDir dir;
  const std::string cfg_path = dir.file("c.yaml");
  std::ofstream(cfg_path) << "database:\n  path: " << dir.file("data/m.db") << "\n";
  auto m = run({"migrate", "-c", cfg_path});
  REQUIRE(m.code == 0);
  CHECK_THAT(m.out, Contains("applied 0001_initial.sql"));
  CHECK_THAT(run({"migrate", "-c", cfg_path}).out, Contains("up to date"));

  auto t = run({"token", "create", "--sub", "ops", "--scope", "admin,mcp", "--server", "s1",
                "--ttl", "2h", "-c", cfg_path});
  REQUIRE(t.code == 0);
  std::string token = t.out.substr(0, t.out.find('\n'));
  auto cfg = config::load_file(cfg_path, {});
  auto secret = auth::load_or_create_jwt_secret(cfg);
  auth::JwtVerifier verifier(
      {secret.value, cfg.auth.issuer, cfg.auth.audience, std::chrono::seconds(0)});
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  auto v = verifier.verify(token, now);
  REQUIRE(v.principal);
  CHECK(v.principal->subject == "ops");
  CHECK(v.principal->scopes == std::vector<std::string>{"admin", "mcp"});
  CHECK(v.principal->servers == std::vector<std::string>{"s1"});
  CHECK(verifier.verify(token, now + 2 * 3600 + 1).reason == "token has expired");
}

TEST_CASE("opaque tokens: create, list, revoke", "[cli]") {
  test::TempDir dir;
  const std::string cfg_path = dir.file("c.yaml");
  std::ofstream(cfg_path) << "database:\n  path: " << dir.file("m.db") << "\n";
  auto t = run({"token", "create", "--opaque", "--name", "ci", "--sub", "bot", "--scope", "mcp",
                "-c", cfg_path});
  REQUIRE(t.code == 0);
  CHECK_THAT(t.out, StartsWith("mcpgw_"));
  const std::string id = t.err.substr(t.err.find("token ") + 6, 16);
  auto l = run({"token", "list", "-c", cfg_path});
  CHECK_THAT(l.out, Contains(id) && Contains("sub=bot") && Contains("name=ci"));
  CHECK_FALSE(l.out.find(t.out.substr(0, 40)) != std::string::npos);  // never the whole token
  CHECK(run({"token", "revoke", id, "-c", cfg_path}).code == 0);
  CHECK_THAT(run({"token", "list", "-c", cfg_path}).out, Contains("REVOKED"));
  CHECK(run({"token", "revoke", id, "-c", cfg_path}).code == 1);
}
