#include "config/config.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "support/temp_dir.h"

using namespace mcpgw::config;
using Catch::Matchers::Contains;

namespace {
std::string error_of(const std::string& yaml, const Environment& env = {}) {
  try {
    load_string(yaml, "test.yaml", env);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("empty configuration gives the documented defaults", "[config]") {
  Config c = load_string("", "test.yaml", {});
  CHECK(c.server.host == "127.0.0.1");
  CHECK(c.server.port == 8080);
  CHECK(c.server.max_body_bytes == 4 * 1024 * 1024);
  CHECK(c.auth.required);
  CHECK(c.auth.leeway == std::chrono::seconds(30));
  CHECK(c.database.path == "data/mcpgw.db");
  CHECK(c.transport.event_store == EventStoreKind::memory);
  CHECK(c.logging.format == LogFormat::text);
}

TEST_CASE("valid configuration is read with every type", "[config]") {
  Config c = load_string(R"(
server:
  host: 0.0.0.0
  port: 9090
  read_timeout: 250ms
  idle_timeout: 2m
auth:
  required: false
  jwt_secret: "0123456789abcdef0123456789abcdef"
  leeway: 5
transport:
  event_store: sqlite
  allowed_origins: [https://a.example, https://b.example]
logging:
  format: json
  level: debug
)",
                         "test.yaml", {});
  CHECK(c.server.host == "0.0.0.0");
  CHECK(c.server.port == 9090);
  CHECK(c.server.read_timeout == std::chrono::milliseconds(250));
  CHECK(c.server.idle_timeout == std::chrono::minutes(2));
  CHECK_FALSE(c.auth.required);
  CHECK(c.auth.leeway == std::chrono::seconds(5));
  CHECK(c.transport.event_store == EventStoreKind::database);
  CHECK(c.transport.allowed_origins ==
        std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK(c.logging.format == LogFormat::json);
  CHECK(c.logging.level == "debug");
}

TEST_CASE("unknown keys and sections name the key and the line", "[config]") {
  CHECK_THAT(error_of("server:\n  port: 1\n  prot: 2\n"),
             Contains("test.yaml:3") && Contains("unknown key 'server.prot'"));
  CHECK_THAT(error_of("servre:\n  port: 1\n"),
             Contains("test.yaml:1") && Contains("unknown section 'servre'"));
}

TEST_CASE("wrong types name the key and the line", "[config]") {
  CHECK_THAT(error_of("server:\n  port: eighty\n"),
             Contains("test.yaml:2") && Contains("server.port") && Contains("whole number"));
  CHECK_THAT(error_of("server:\n  port: 70000\n"), Contains("server.port"));
  CHECK_THAT(error_of("server:\n  port: -1\n"), Contains("server.port"));
  CHECK_THAT(error_of("auth:\n\n  required: maybe\n"),
             Contains("test.yaml:3") && Contains("auth.required") && Contains("true or false"));
  CHECK_THAT(error_of("server:\n  read_timeout: soon\n"),
             Contains("server.read_timeout") && Contains("duration"));
  CHECK_THAT(error_of("transport:\n  event_store: redis\n"),
             Contains("transport.event_store") && Contains("memory|database|sqlite"));
  CHECK_THAT(error_of("transport:\n  allowed_origins: https://x\n"),
             Contains("transport.allowed_origins") && Contains("list"));
  CHECK_THAT(error_of("server:\n  host: [a, b]\n"), Contains("server.host"));
  CHECK_THAT(error_of("logging:\n  level: loud\n"), Contains("logging.level"));
  CHECK_THAT(error_of("server: 3\n"), Contains("section 'server' must be a map"));
}

TEST_CASE("invalid YAML is reported with its line", "[config]") {
  CHECK_THAT(error_of("server:\n  port: [1, 2\n"),
             Contains("test.yaml:") && Contains("invalid YAML"));
}

TEST_CASE("secrets are checked", "[config]") {
  CHECK_THAT(error_of("auth:\n  jwt_secret: short\n"), Contains("at least 32 bytes"));
  CHECK_THAT(
      error_of("auth:\n  jwt_secret: 0123456789abcdef0123456789abcdef\n  jwt_secret_file: /x\n"),
      Contains("both set"));
}

TEST_CASE("environment overrides win over the file", "[config]") {
  Config c = load_string("server:\n  port: 1000\n", "test.yaml",
                         {{"MCPGW_SERVER_PORT", "2000"},
                          {"MCPGW_TRANSPORT_ALLOWED_ORIGINS", "https://a,https://b"},
                          {"MCPGW_AUTH_REQUIRED", "false"},
                          {"MCPGW_CONFIG", "ignored: not a section"}});
  CHECK(c.server.port == 2000);
  CHECK(c.transport.allowed_origins == std::vector<std::string>{"https://a", "https://b"});
  CHECK_FALSE(c.auth.required);
}

// Found by tests/fuzz/config_yaml: a key that is a list, map or null threw yaml-cpp's own
// exception instead of a ConfigError naming the place.
TEST_CASE("a key that is not a name is a ConfigError", "[config]") {
  CHECK_THAT(error_of("? [a, b]\n: 1\n"), Contains("a key must be a plain name"));
  CHECK_THAT(error_of("server:\n  ? {x: 1}\n  : 2\n"), Contains("a key must be a plain name"));
}

TEST_CASE("bad environment overrides name the variable", "[config]") {
  CHECK_THAT(error_of("", {{"MCPGW_SERVER_PORT", "x"}}),
             Contains("environment variable MCPGW_SERVER_PORT") && Contains("server.port"));
  CHECK_THAT(error_of("", {{"MCPGW_SERVER_PROT", "1"}}),
             Contains("MCPGW_SERVER_PROT") && Contains("names no setting"));
}

TEST_CASE("load_file reports a missing file and reads a real one", "[config]") {
  mcpgw::test::TempDir dir;
  CHECK_THROWS_WITH(load_file(dir.file("nope.yaml"), {}),
                    Contains("nope.yaml") && Contains("cannot read"));
  std::ofstream(dir.file("c.yaml")) << "server:\n  port: 1234\n";
  CHECK(load_file(dir.file("c.yaml"), {}).server.port == 1234);
}

TEST_CASE("the documented example sets every key to its default", "[config]") {
  const std::string path = std::string(MCPGW_SOURCE_DIR) + "/config/mcpgw.yaml";
  Config example = load_file(path, {});
  Config defaults = load_string("", "defaults", {});
  // Every member of every section (defaulted ==, so a key added later is compared too).
  CHECK(example.server == defaults.server);
  CHECK(example.auth == defaults.auth);
  CHECK(example.database == defaults.database);
  CHECK(example.transport == defaults.transport);
  CHECK(example.federation == defaults.federation);
  CHECK(example.logging == defaults.logging);
  CHECK(example.metrics == defaults.metrics);
  CHECK(example.rate_limits == defaults.rate_limits);

  // Every key appears in the file, under its section, with a comment line above it.
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  for (const auto& full : all_keys()) {
    const auto dot = full.find('.');
    const std::string section = full.substr(0, dot), key = full.substr(dot + 1);
    std::string current;
    bool found = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (!lines[i].empty() && lines[i][0] != ' ' && lines[i][0] != '#') current = lines[i];
      if (current == section + ":" && lines[i].rfind("  " + key + ":", 0) == 0) {
        found = true;
        INFO(full);
        CHECK((i > 0 && lines[i - 1].rfind("  #", 0) == 0));
      }
    }
    INFO("config/mcpgw.yaml lacks " << full);
    CHECK(found);
  }
}
