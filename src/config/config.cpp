#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include "common/duration.h"

extern char** environ;

namespace mcpgw::config {
namespace {

// One setting's value as written: either a YAML scalar/sequence node or an environment string.
struct RawValue {
  const YAML::Node* node = nullptr;  // set when the value comes from YAML
  std::string text;                  // set when the value comes from the environment
  std::string where;                 // "file:line" or "environment variable NAME"
};

[[noreturn]] void fail(const std::string& key, const RawValue& v, const std::string& why) {
  throw ConfigError(v.where + ": " + key + ": " + why);
}

std::string scalar_of(const std::string& key, const RawValue& v) {
  if (!v.node) return v.text;
  if (!v.node->IsScalar()) fail(key, v, "expected a single value, not a list or map");
  return v.node->Scalar();
}

bool parse_bool(const std::string& key, const RawValue& v) {
  std::string s = scalar_of(key, v);
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  fail(key, v, "expected true or false, got '" + s + "'");
}

std::uint64_t parse_uint(const std::string& key, const RawValue& v, std::uint64_t min,
                         std::uint64_t max) {
  const std::string s = scalar_of(key, v);
  std::uint64_t out = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size() || out < min || out > max)
    fail(key, v,
         "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
             ", got '" + s + "'");
  return out;
}

milliseconds parse_dur(const std::string& key, const RawValue& v, milliseconds min) {
  const std::string s = scalar_of(key, v);
  auto d = parse_duration(s);
  if (!d) fail(key, v, "expected a duration such as 500ms, 30s, 5m or 1h, got '" + s + "'");
  if (*d < min) fail(key, v, "must be at least " + format_duration(min) + ", got '" + s + "'");
  return *d;
}

std::string parse_string(const std::string& key, const RawValue& v) {
  return scalar_of(key, v);
}

std::vector<std::string> parse_list(const std::string& key, const RawValue& v) {
  std::vector<std::string> out;
  if (!v.node) {  // environment: comma-separated
    std::stringstream ss(v.text);
    for (std::string item; std::getline(ss, item, ',');)
      if (!item.empty()) out.push_back(item);
    return out;
  }
  if (v.node->IsNull()) return out;
  if (!v.node->IsSequence()) fail(key, v, "expected a list");
  for (const auto& item : *v.node) {
    if (!item.IsScalar()) fail(key, v, "expected a list of strings");
    out.push_back(item.Scalar());
  }
  return out;
}

double parse_rate(const std::string& key, const RawValue& v) {
  const std::string s = scalar_of(key, v);
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !(d >= 0) || d > 1e9)
    fail(key, v, "expected a number from 0 to 1000000000, got '" + s + "'");
  return d;
}

// A structured value's node: the YAML file's, or YAML flow text from the environment.
YAML::Node structured_node(const std::string& key, const RawValue& v) {
  if (v.node) return *v.node;
  try {
    return YAML::Load(v.text);
  } catch (const YAML::Exception& e) {
    fail(key, v, "invalid YAML: " + e.msg);
  }
}

// rate_limits.overrides: [{subject: ci-bot, requests_per_second: 50, ...}].
std::vector<RateOverride> overrides_of(const std::string& key, const RawValue& v) {
  const YAML::Node node = structured_node(key, v);
  std::vector<RateOverride> out;
  if (node.IsNull()) return out;
  if (!node.IsSequence()) fail(key, v, "expected a list of {subject, ...}");
  for (const auto& item : node) {
    if (!item.IsMap()) fail(key, v, "each override is a map");
    RateOverride o;
    for (const auto& kv : item) {
      const std::string k = kv.first.Scalar();
      const RawValue field{&kv.second, {}, v.where};
      const std::string full = key + "." + k;
      if (k == "subject")
        o.subject = parse_string(full, field);
      else if (k == "requests_per_second")
        o.requests_per_second = parse_rate(full, field);
      else if (k == "request_burst")
        o.request_burst = parse_rate(full, field);
      else if (k == "tool_calls_per_second")
        o.tool_calls_per_second = parse_rate(full, field);
      else if (k == "tool_call_burst")
        o.tool_call_burst = parse_rate(full, field);
      else
        fail(full, field, "unknown key");
    }
    if (o.subject.empty()) fail(key, v, "each override needs a subject");
    out.push_back(std::move(o));
  }
  return out;
}

// auth.issuers (config/issuers.h); its messages name the file's lines, or the variable.
std::vector<IssuerConfig> issuers_of(const std::string& key, const RawValue& v) {
  const YAML::Node node = structured_node(key, v);
  if (v.node) return parse_issuers(node, v.where.substr(0, v.where.rfind(':')), true);
  return parse_issuers(node, v.where, false);
}

template <typename Enum>
Enum parse_enum(const std::string& key, const RawValue& v,
                std::initializer_list<std::pair<const char*, Enum>> choices) {
  const std::string s = scalar_of(key, v);
  std::string names;
  for (const auto& [name, value] : choices) {
    if (s == name) return value;
    names += names.empty() ? name : std::string("|") + name;
  }
  fail(key, v, "expected one of " + names + ", got '" + s + "'");
}

// One setting: where it lives in the YAML file (and so its MCPGW_<SECTION>_<KEY> variable), and
// how its text becomes a value. A plain function pointer, so that the table below is constant-
// initialized: nothing to order among static initializers, nothing to build at the first lookup.
struct Field {
  const char* section;
  const char* key;
  void (*apply)(Config&, const std::string& full_key, const RawValue&);
};

constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 40;

// Every setting, in the order config/mcpgw.yaml documents them: all_keys() lists them so, and a
// unit test holds the file to this table.
constexpr Field kFields[] = {
    {"server", "host", [](Config& c, auto& k, auto& v) { c.server.host = parse_string(k, v); }},
    {"server", "port",
     [](Config& c, auto& k, auto& v) {
       c.server.port = static_cast<std::uint16_t>(parse_uint(k, v, 0, 65535));
     }},
    {"server", "workers",
     [](Config& c, auto& k, auto& v) { c.server.workers = parse_uint(k, v, 0, 1024); }},
    {"server", "max_body_bytes",
     [](Config& c, auto& k, auto& v) { c.server.max_body_bytes = parse_uint(k, v, 1, kMaxSize); }},
    {"server", "max_header_bytes",
     [](Config& c, auto& k, auto& v) {
       c.server.max_header_bytes = parse_uint(k, v, 1024, 1024 * 1024);
     }},
    {"server", "read_timeout",
     [](Config& c, auto& k, auto& v) {
       c.server.read_timeout = parse_dur(k, v, milliseconds(100));
     }},
    {"server", "idle_timeout",
     [](Config& c, auto& k, auto& v) {
       c.server.idle_timeout = parse_dur(k, v, milliseconds(100));
     }},
    {"server", "max_connections",
     [](Config& c, auto& k, auto& v) {
       c.server.max_connections = parse_uint(k, v, 1, 1'000'000);
     }},
    {"server", "shutdown_grace",
     [](Config& c, auto& k, auto& v) {
       c.server.shutdown_grace = parse_dur(k, v, milliseconds(0));
     }},
    {"auth", "required", [](Config& c, auto& k, auto& v) { c.auth.required = parse_bool(k, v); }},
    {"auth", "jwt_secret",
     [](Config& c, auto& k, auto& v) { c.auth.jwt_secret = parse_string(k, v); }},
    {"auth", "jwt_secret_file",
     [](Config& c, auto& k, auto& v) { c.auth.jwt_secret_file = parse_string(k, v); }},
    {"auth", "issuer", [](Config& c, auto& k, auto& v) { c.auth.issuer = parse_string(k, v); }},
    {"auth", "audience", [](Config& c, auto& k, auto& v) { c.auth.audience = parse_string(k, v); }},
    {"auth", "leeway",
     [](Config& c, auto& k, auto& v) { c.auth.leeway = parse_dur(k, v, milliseconds(0)); }},
    {"auth", "api_token_cache_ttl",
     [](Config& c, auto& k, auto& v) {
       c.auth.api_token_cache_ttl = parse_dur(k, v, milliseconds(0));
     }},
    {"auth", "resource_url",
     [](Config& c, auto& k, auto& v) {
       std::string s = parse_string(k, v);
       while (!s.empty() && s.back() == '/')
         s.pop_back();
       if (!s.empty() && s.rfind("https://", 0) != 0 && s.rfind("http://", 0) != 0)
         fail(k, v, "expected an http or https URL, got '" + s + "'");
       c.auth.resource_url = s;
     }},
    {"auth", "issuers", [](Config& c, auto& k, auto& v) { c.auth.issuers = issuers_of(k, v); }},
    {"database", "path",
     [](Config& c, auto& k, auto& v) {
       c.database.path = parse_string(k, v);
       if (c.database.path.empty()) fail(k, v, "must not be empty");
     }},
    {"database", "busy_timeout",
     [](Config& c, auto& k, auto& v) {
       c.database.busy_timeout = parse_dur(k, v, milliseconds(0));
     }},
    {"database", "credentials_key_file",
     [](Config& c, auto& k, auto& v) { c.database.credentials_key_file = parse_string(k, v); }},
    {"database", "url",
     [](Config& c, auto& k, auto& v) {
       c.database.url = parse_string(k, v);
       if (!c.database.url.empty() && c.database.url.rfind("postgresql://", 0) != 0 &&
           c.database.url.rfind("postgres://", 0) != 0)
         fail(k, v, "must be a postgresql:// URI (or empty for SQLite)");
     }},
    {"database", "password",
     [](Config& c, auto& k, auto& v) { c.database.password = parse_string(k, v); }},
    {"database", "password_file",
     [](Config& c, auto& k, auto& v) { c.database.password_file = parse_string(k, v); }},
    {"database", "pool_size",
     [](Config& c, auto& k, auto& v) { c.database.pool_size = parse_uint(k, v, 1, 1000); }},
    {"database", "connect_timeout",
     [](Config& c, auto& k, auto& v) {
       c.database.connect_timeout = parse_dur(k, v, milliseconds(1000));
     }},
    {"database", "statement_timeout",
     [](Config& c, auto& k, auto& v) {
       c.database.statement_timeout = parse_dur(k, v, milliseconds(100));
     }},
    {"transport", "stateful",
     [](Config& c, auto& k, auto& v) { c.transport.stateful = parse_bool(k, v); }},
    {"transport", "json_response",
     [](Config& c, auto& k, auto& v) { c.transport.json_response = parse_bool(k, v); }},
    {"transport", "event_store",
     [](Config& c, auto& k, auto& v) {
       c.transport.event_store = parse_enum<EventStoreKind>(
           k, v,
           {{"memory", EventStoreKind::memory},
            {"database", EventStoreKind::database},
            {"sqlite", EventStoreKind::database}});  // its name before PostgreSQL
     }},
    {"transport", "session_idle_ttl",
     [](Config& c, auto& k, auto& v) {
       c.transport.session_idle_ttl = parse_dur(k, v, milliseconds(1000));
     }},
    {"transport", "max_sessions",
     [](Config& c, auto& k, auto& v) {
       c.transport.max_sessions = parse_uint(k, v, 1, 10'000'000);
     }},
    {"transport", "max_events_per_stream",
     [](Config& c, auto& k, auto& v) {
       c.transport.max_events_per_stream = parse_uint(k, v, 1, 10'000'000);
     }},
    {"transport", "keepalive",
     [](Config& c, auto& k, auto& v) {
       c.transport.keepalive = parse_dur(k, v, milliseconds(1000));
     }},
    {"transport", "cache_ttl",
     [](Config& c, auto& k, auto& v) { c.transport.cache_ttl = parse_dur(k, v, milliseconds(0)); }},
    {"transport", "input_ttl",
     [](Config& c, auto& k, auto& v) {
       c.transport.input_ttl = parse_dur(k, v, milliseconds(100));
     }},
    {"transport", "allowed_origins",
     [](Config& c, auto& k, auto& v) { c.transport.allowed_origins = parse_list(k, v); }},
    {"federation", "name_separator",
     [](Config& c, auto& k, auto& v) {
       std::string s = parse_string(k, v);
       // Federated names must stay valid MCP tool names: A-Z a-z 0-9 _ - .
       if (s.empty() || s.size() > 8 ||
           s.find_first_not_of(
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") !=
               std::string::npos)
         fail(k, v, "must be 1 to 8 characters of A-Z, a-z, 0-9, '_', '-' and '.'");
       c.federation.name_separator = s;
     }},
    {"federation", "request_timeout",
     [](Config& c, auto& k, auto& v) {
       c.federation.request_timeout = parse_dur(k, v, milliseconds(100));
     }},
    {"federation", "health_interval",
     [](Config& c, auto& k, auto& v) {
       c.federation.health_interval = parse_dur(k, v, milliseconds(100));
     }},
    {"federation", "unhealthy_after",
     [](Config& c, auto& k, auto& v) {
       c.federation.unhealthy_after = static_cast<unsigned>(parse_uint(k, v, 1, 1000));
     }},
    {"federation", "discovery_timeout",
     [](Config& c, auto& k, auto& v) {
       c.federation.discovery_timeout = parse_dur(k, v, milliseconds(100));
     }},
    {"federation", "verify_tls",
     [](Config& c, auto& k, auto& v) { c.federation.verify_tls = parse_bool(k, v); }},
    {"logging", "level",
     [](Config& c, auto& k, auto& v) {
       static const std::set<std::string> levels = {"trace", "debug", "info",
                                                    "warn",  "error", "off"};
       std::string s = parse_string(k, v);
       if (!levels.count(s))
         fail(k, v, "expected trace|debug|info|warn|error|off, got '" + s + "'");
       c.logging.level = s;
     }},
    {"logging", "format",
     [](Config& c, auto& k, auto& v) {
       c.logging.format =
           parse_enum<LogFormat>(k, v, {{"text", LogFormat::text}, {"json", LogFormat::json}});
     }},
    {"logging", "access_log",
     [](Config& c, auto& k, auto& v) { c.logging.access_log = parse_bool(k, v); }},
    {"metrics", "enabled",
     [](Config& c, auto& k, auto& v) { c.metrics.enabled = parse_bool(k, v); }},
    {"rate_limits", "requests_per_second",
     [](Config& c, auto& k, auto& v) { c.rate_limits.requests_per_second = parse_rate(k, v); }},
    {"rate_limits", "request_burst",
     [](Config& c, auto& k, auto& v) { c.rate_limits.request_burst = parse_rate(k, v); }},
    {"rate_limits", "tool_calls_per_second",
     [](Config& c, auto& k, auto& v) { c.rate_limits.tool_calls_per_second = parse_rate(k, v); }},
    {"rate_limits", "tool_call_burst",
     [](Config& c, auto& k, auto& v) { c.rate_limits.tool_call_burst = parse_rate(k, v); }},
    {"rate_limits", "overrides",
     [](Config& c, auto& k, auto& v) { c.rate_limits.overrides = overrides_of(k, v); }},
};

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

std::string env_name(const Field& f) {
  return "MCPGW_" + upper(f.section) + "_" + upper(f.key);
}

std::string where(const std::string& name, const YAML::Node& node) {
  return name + ":" + std::to_string(node.Mark().line + 1);
}

// A section or setting name as written. YAML lets a key be a list, a map or null ("? [a, b]: 1"),
// which names nothing here; yaml-cpp would throw its own exception converting one.
std::string key_of(const std::string& name, const YAML::Node& key) {
  if (!key.IsScalar()) throw ConfigError(where(name, key) + ": a key must be a plain name");
  return key.Scalar();
}

void validate(const Config& c) {
  if (!c.auth.jwt_secret.empty() && !c.auth.jwt_secret_file.empty())
    throw ConfigError(c.source +
                      ": auth.jwt_secret and auth.jwt_secret_file are both set; keep one");
  if (!c.auth.jwt_secret.empty() && c.auth.jwt_secret.size() < 32)
    throw ConfigError(c.source + ": auth.jwt_secret must be at least 32 bytes for HS256");
  validate_issuers(c.auth.issuers, c.auth.resource_url, c.source);
}

Config load_impl(const YAML::Node& root, const std::string& name, const Environment& env) {
  Config cfg;
  cfg.source = name;
  if (root && !root.IsNull()) {
    if (!root.IsMap()) throw ConfigError(where(name, root) + ": expected a map of sections");
    for (const auto& section : root) {
      const std::string sname = key_of(name, section.first);
      const bool known =
          std::ranges::any_of(kFields, [&](const Field& f) { return sname == f.section; });
      if (!known)
        throw ConfigError(where(name, section.first) + ": unknown section '" + sname + "'");
      if (section.second.IsNull()) continue;
      if (!section.second.IsMap())
        throw ConfigError(where(name, section.second) + ": section '" + sname + "' must be a map");
      for (const auto& kv : section.second) {
        const std::string key = key_of(name, kv.first);
        const std::string full = sname + "." + key;
        const auto it = std::ranges::find_if(
            kFields, [&](const Field& f) { return sname == f.section && key == f.key; });
        if (it == std::end(kFields))
          throw ConfigError(where(name, kv.first) + ": unknown key '" + full + "'");
        RawValue v{&kv.second, {}, where(name, kv.second)};
        it->apply(cfg, full, v);
      }
    }
  }
  // Environment overrides. A MCPGW_<SECTION>_* variable that names no setting is an error: a typo
  // there would otherwise be silently ignored.
  std::set<std::string> known_env;
  for (const Field& f : kFields) {
    const std::string n = env_name(f);
    known_env.insert(n);
    if (auto it = env.find(n); it != env.end()) {
      RawValue v{nullptr, it->second, "environment variable " + n};
      f.apply(cfg, std::string(f.section) + "." + f.key, v);
    }
  }
  for (const auto& [n, value] : env) {
    if (known_env.count(n)) continue;
    for (const Field& f : kFields)
      if (n.rfind("MCPGW_" + upper(f.section) + "_", 0) == 0)
        throw ConfigError("environment variable " + n +
                          ": names no setting (see config/mcpgw.yaml)");
  }
  validate(cfg);
  return cfg;
}

}  // namespace

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (kv.rfind("MCPGW_", 0) != 0) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return env;
}

Config load_string(const std::string& yaml, const std::string& name, const Environment& env) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    throw ConfigError(name + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  return load_impl(root, name, env);
}

Config load_file(const std::string& path, const Environment& env) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(path + ": cannot read the configuration file");
  } catch (const YAML::Exception& e) {
    throw ConfigError(path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  return load_impl(root, path, env);
}

std::vector<std::string> all_keys() {
  std::vector<std::string> out;
  for (const Field& f : kFields)
    out.push_back(std::string(f.section) + "." + f.key);
  return out;
}

std::string data_dir(const Config& cfg) {
  std::filesystem::path p(cfg.database.path);
  auto parent = p.parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace mcpgw::config
