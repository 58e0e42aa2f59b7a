// mcpgw's configuration file as an operator (or a template tool) writes it: config::load_string,
// the entry point load_file uses for the text it read. After a first NUL byte, "NAME=value"
// lines are the process environment (MCPGW_<SECTION>_<KEY> overrides).
//
// Invariants: the only exception is ConfigError (config.h: "Throws ConfigError"), and its message
// names where (the file name or the environment variable); a configuration that loads satisfies
// the rules validate() promises (a JWT secret of at least 32 bytes, not both secret and file) and
// loads again to the same values.
#include <cstdint>
#include <string>

#include "config/config.h"
#include "fuzz_support.h"

using namespace mcpgw;

namespace {

constexpr const char* kName = "fuzz.yaml";

config::Environment environment(std::string_view text) {
  config::Environment env;
  for (auto& [name, value] : fuzz::pairs_of_lines(text, '='))
    env[name] = std::move(value);
  return env;
}

bool same(const config::Config& a, const config::Config& b) {
  return a.server.host == b.server.host && a.server.port == b.server.port &&
         a.server.max_body_bytes == b.server.max_body_bytes &&
         a.server.read_timeout == b.server.read_timeout && a.auth.jwt_secret == b.auth.jwt_secret &&
         a.auth.leeway == b.auth.leeway && a.database.path == b.database.path &&
         a.transport.allowed_origins == b.transport.allowed_origins &&
         a.transport.stateful == b.transport.stateful &&
         a.federation.name_separator == b.federation.name_separator &&
         a.logging.level == b.logging.level;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  const std::string yaml(fuzz::next_part(rest));
  const config::Environment env = environment(rest);
  config::Config cfg;
  try {
    cfg = config::load_string(yaml, kName, env);
  } catch (const config::ConfigError& e) {
    const std::string what = e.what();
    FUZZ_CHECK(!what.empty());
    FUZZ_CHECK(what.find(kName) != std::string::npos ||
               what.find("environment variable") != std::string::npos);
    return 0;
  }
  FUZZ_CHECK(cfg.source == kName);
  FUZZ_CHECK(cfg.auth.jwt_secret.empty() || cfg.auth.jwt_secret.size() >= 32);
  FUZZ_CHECK(cfg.auth.jwt_secret.empty() || cfg.auth.jwt_secret_file.empty());
  FUZZ_CHECK(!config::data_dir(cfg).empty());
  FUZZ_CHECK(same(cfg, config::load_string(yaml, kName, env)));
  return 0;
}
