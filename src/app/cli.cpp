#include "app/cli.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <optional>

#include "app/database.h"
#include "app/serve.h"
#include "auth/api_tokens.h"
#include "auth/jwt.h"
#include "auth/secret.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/version.h"
#include "config/config.h"
#include "observability/logging.h"
#include "store/open.h"
#include "store/sql/sql_api_token_repository.h"

namespace mcpgw::app {
namespace {

constexpr const char* kUsage = R"(mcpgw - MCP gateway daemon

Usage: mcpgw <command> [options]

Commands:
  serve          run the daemon
  migrate        create or upgrade the database, then exit
  check-config   validate the configuration, then exit
  token          create, list or revoke access tokens
  version        print the version

Run 'mcpgw <command> --help' for a command's options.
)";

#define MCPGW_CONFIG_OPTION                                                                       \
  "  -c, --config FILE   configuration file (default: $MCPGW_CONFIG, else ./config/mcpgw.yaml,\n" \
  "                      else /etc/mcpgw/mcpgw.yaml, else built-in defaults)\n"

struct CommandHelp {
  std::string_view name;
  std::string_view text;
};

constexpr CommandHelp kCommands[] = {
    {"serve",
     "Usage: mcpgw serve [-c FILE]\n\nRuns the daemon until SIGTERM or SIGINT, then drains "
     "in-flight requests.\n\n" MCPGW_CONFIG_OPTION},
    {"migrate",
     "Usage: mcpgw migrate [-c FILE]\n\nCreates the database if needed and applies pending "
     "migrations.\n\n" MCPGW_CONFIG_OPTION},
    {"check-config",
     "Usage: mcpgw check-config [-c FILE]\n\nLoads and validates the configuration, including "
     "MCPGW_* overrides.\n\n" MCPGW_CONFIG_OPTION},
    {"token",
     "Usage:\n"
     "  mcpgw token create --sub NAME --scope admin|mcp|metrics [--scope ...] [--server ID ...]\n"
     "                     [--ttl 1h] [--opaque [--name TEXT]] [-c FILE]\n"
     "  mcpgw token list [-c FILE]\n"
     "  mcpgw token revoke ID [-c FILE]\n\n"
     "create prints a signed JWT (default ttl 1h), or with --opaque an API token that is\n"
     "stored hashed in the database, shown only now, and revocable (no expiry unless --ttl).\n"
     "--scope may repeat or take a comma-separated list; --server limits the token to those\n"
     "virtual servers.\n\n" MCPGW_CONFIG_OPTION},
    {"version", "Usage: mcpgw version\n\nPrints the version and git revision.\n"},
};

std::optional<std::string_view> command_help(std::string_view cmd) {
  for (const auto& c : kCommands)
    if (c.name == cmd) return c.text;
  return std::nullopt;
}

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Options after the command word. Flags listed in `takes_value` consume the next argument.
struct Options {
  std::multimap<std::string, std::string> values;
  std::vector<std::string> flags;
  std::vector<std::string> positional;
  bool help = false;

  std::optional<std::string> one(const std::string& k) const {
    auto [b, e] = values.equal_range(k);
    if (b == e) return std::nullopt;
    if (std::next(b) != e) throw UsageError("option " + k + " given more than once");
    return b->second;
  }
  std::vector<std::string> all(const std::string& k) const {
    std::vector<std::string> out;
    auto [b, e] = values.equal_range(k);
    for (auto it = b; it != e; ++it)
      out.push_back(it->second);
    return out;
  }
  bool flag(const std::string& k) const {
    return std::find(flags.begin(), flags.end(), k) != flags.end();
  }
};

Options parse_options(const std::vector<std::string>& args, std::size_t from,
                      const std::vector<std::string>& takes_value,
                      const std::vector<std::string>& boolean_flags) {
  Options o;
  for (std::size_t i = from; i < args.size(); ++i) {
    std::string a = args[i];
    if (a == "-h" || a == "--help") {
      o.help = true;
      continue;
    }
    if (a == "-c") a = "--config";
    if (a.rfind("--", 0) == 0) {
      std::string value;
      bool inline_value = false;
      if (auto eq = a.find('='); eq != std::string::npos) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        inline_value = true;
      }
      if (std::find(takes_value.begin(), takes_value.end(), a) != takes_value.end()) {
        if (!inline_value) {
          if (i + 1 >= args.size()) throw UsageError("option " + a + " needs a value");
          value = args[++i];
        }
        o.values.emplace(a, value);
      } else if (!inline_value &&
                 std::find(boolean_flags.begin(), boolean_flags.end(), a) != boolean_flags.end()) {
        o.flags.push_back(a);
      } else {
        throw UsageError("unknown option " + a);
      }
    } else if (a.size() > 1 && a[0] == '-') {
      throw UsageError("unknown option " + a);
    } else {
      o.positional.push_back(a);
    }
  }
  return o;
}

config::Config load_config(const Options& o) {
  const auto env = config::process_environment();
  if (auto path = o.one("--config")) return config::load_file(*path, env);
  if (const char* p = std::getenv("MCPGW_CONFIG"); p && *p) return config::load_file(p, env);
  for (const char* candidate : {"config/mcpgw.yaml", "/etc/mcpgw/mcpgw.yaml"})
    if (std::filesystem::exists(candidate)) return config::load_file(candidate, env);
  return config::load_string("", "(defaults)", env);
}

// How to run this binary's `token create` again, for the hint logged at first start: its absolute
// path and the config it used.
std::string token_hint(const config::Config& cfg) {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::string cmd =
      (ec ? std::string("mcpgw") : exe.string()) + " token create --sub admin --scope admin";
  if (cfg.source != "(defaults)") cmd += " -c " + cfg.source;
  return cmd;
}

store::DatabaseOptions db_options(const config::Config& cfg) {
  return database_options(cfg);
}

std::vector<std::string> split_commas(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    std::size_t pos = 0;
    while (pos <= item.size()) {
      auto end = item.find(',', pos);
      if (end == std::string::npos) end = item.size();
      if (end > pos) out.push_back(item.substr(pos, end - pos));
      pos = end + 1;
    }
  }
  return out;
}

int token_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  const auto o = parse_options(
      args, 2, {"--config", "--sub", "--scope", "--server", "--ttl", "--name"}, {"--opaque"});
  if (o.help || o.positional.empty()) {
    (o.help ? out : err) << *command_help("token");
    return o.help ? 0 : 2;
  }
  const std::string sub = o.positional[0];
  const auto cfg = load_config(o);
  if (sub == "create") {
    if (o.positional.size() != 1) throw UsageError("token create takes no positional arguments");
    auto subject = o.one("--sub");
    if (!subject || subject->empty()) throw UsageError("token create needs --sub NAME");
    auto scopes = split_commas(o.all("--scope"));
    if (scopes.empty()) throw UsageError("token create needs --scope admin|mcp");
    for (const auto& s : scopes)
      if (!auth::is_known_scope(s)) throw UsageError("unknown scope '" + s + "' (admin, mcp)");
    auto servers = split_commas(o.all("--server"));
    std::optional<std::chrono::seconds> ttl;
    if (auto t = o.one("--ttl")) {
      auto d = parse_duration(*t);
      if (!d || d->count() < 1000) throw UsageError("--ttl takes a duration such as 30m, 12h, 90d");
      ttl = std::chrono::duration_cast<std::chrono::seconds>(*d);
    }
    if (o.flag("--opaque")) {
      store::migrate_database(db_options(cfg));
      auto pool = store::open_pool(db_options(cfg));
      store::SqlApiTokenRepository repo(*pool);
      auth::ApiTokenService service(repo);
      auth::NewApiToken req{o.one("--name").value_or(""), *subject, scopes, servers, ttl};
      auto created = service.create(req, unix_ms());
      out << created.token << "\n";
      err << "API token " << created.record.id << " created; it is shown only once.\n";
      return 0;
    }
    if (o.one("--name")) throw UsageError("--name goes with --opaque");
    auto secret = auth::load_or_create_jwt_secret(cfg);
    auth::JwtSettings settings{secret.value, cfg.auth.issuer, cfg.auth.audience, {}};
    auth::JwtClaims claims{*subject, scopes, servers, ttl.value_or(std::chrono::hours(1))};
    out << auth::mint_jwt(settings, claims, unix_ms() / 1000) << "\n";
    return 0;
  }
  if (sub == "list") {
    store::migrate_database(db_options(cfg));
    auto pool = store::open_pool(db_options(cfg));
    store::SqlApiTokenRepository repo(*pool);
    for (const auto& r : repo.list()) {
      std::string scopes;
      for (const auto& s : r.scopes)
        scopes += (scopes.empty() ? "" : ",") + s;
      out << r.id << "  " << r.prefix << "…  sub=" << r.subject << "  scopes=" << scopes
          << "  created=" << iso8601_utc(r.created_at)
          << (r.expires_at ? "  expires=" + iso8601_utc(*r.expires_at) : "")
          << (r.revoked_at ? "  REVOKED " + iso8601_utc(*r.revoked_at) : "")
          << (r.name.empty() ? "" : "  name=" + r.name) << "\n";
    }
    return 0;
  }
  if (sub == "revoke") {
    if (o.positional.size() != 2) throw UsageError("token revoke takes one token id");
    store::migrate_database(db_options(cfg));
    auto pool = store::open_pool(db_options(cfg));
    store::SqlApiTokenRepository repo(*pool);
    if (!repo.revoke(o.positional[1], unix_ms())) {
      err << "mcpgw: no active API token with id '" << o.positional[1] << "'\n";
      return 1;
    }
    out << "revoked " << o.positional[1] << "\n";
    return 0;
  }
  throw UsageError("unknown token command '" + sub + "' (create, list, revoke)");
}

}  // namespace

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.size() < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help") {
    (args.size() < 2 ? err : out) << kUsage;
    return args.size() < 2 ? 2 : 0;
  }
  const std::string& cmd = args[1];
  try {
    if (cmd == "--version") {
      out << "mcpgw " << version() << " (" << git_revision() << ")\n";
      return 0;
    }
    if (cmd == "token") return token_command(args, out, err);
    if (!command_help(cmd)) throw UsageError("unknown command '" + cmd + "'");
    const auto o = parse_options(
        args, 2,
        cmd == "version" ? std::vector<std::string>{} : std::vector<std::string>{"--config"}, {});
    if (o.help) {
      out << *command_help(cmd);
      return 0;
    }
    if (!o.positional.empty())
      throw UsageError(cmd + " takes no argument '" + o.positional[0] + "'");
    if (cmd == "version") {
      out << "mcpgw " << version() << " (" << git_revision() << ")\n";
      return 0;
    }
    const auto cfg = load_config(o);
    if (cmd == "check-config") {
      out << "configuration ok: " << cfg.source << "\n";
      return 0;
    }
    if (cmd == "migrate") {
      const auto opts = db_options(cfg);
      auto report = store::migrate_database(opts);
      const auto where = store::describe(opts);
      if (report.applied.empty())
        out << where << ": schema version " << report.to_version << ", up to date\n";
      for (const auto& name : report.applied)
        out << where << ": applied " << name << "\n";
      return 0;
    }
    // serve
    hold_stop_signals();  // before the logger's thread, which would take them otherwise
    observability::init_logging(cfg.logging);
    int rc = 1;
    try {
      rc = serve(cfg, token_hint(cfg));
    } catch (...) {
      observability::shutdown_logging();
      throw;
    }
    observability::shutdown_logging();
    return rc;
  } catch (const UsageError& e) {
    err << "mcpgw: " << e.what() << " (see 'mcpgw " << (command_help(cmd) ? cmd + " " : "")
        << "--help')\n";
    return 2;
  } catch (const std::exception& e) {
    err << "mcpgw: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace mcpgw::app
