#pragma once
// mcpgw's configuration: defaults, YAML file, then MCPGW_<SECTION>_<KEY> environment overrides.
#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/issuers.h"

namespace mcpgw::config {

using std::chrono::milliseconds;

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned workers = 0;  // 0: one per hardware thread
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  milliseconds read_timeout{30'000};
  milliseconds idle_timeout{60'000};
  std::size_t max_connections = 10'000;
  milliseconds shutdown_grace{10'000};

  bool operator==(const ServerConfig&) const = default;
};

struct AuthConfig {
  bool required = true;
  std::string jwt_secret;
  std::string jwt_secret_file;
  std::string issuer = "mcpgw";
  std::string audience = "mcpgw";
  milliseconds leeway{30'000};
  // How long a checked API token's database record is reused (a revocation elsewhere is seen
  // within it).
  milliseconds api_token_cache_ttl{10'000};
  // The gateway's public URL (https://gw.example.com): the resource of its RFC 9728 metadata
  // and, for issuers without audiences, the audience tokens must name (<url>/mcp, or
  // <url>/servers/<id>/mcp for one server). Empty: taken from each request's Host.
  std::string resource_url;
  std::vector<IssuerConfig> issuers;

  bool operator==(const AuthConfig&) const = default;
};

struct DatabaseConfig {
  std::string path = "data/mcpgw.db";
  milliseconds busy_timeout{5'000};
  std::string credentials_key_file;  // empty: <data dir>/credentials.key (generated)
  std::string url;                   // empty: SQLite at path; else a PostgreSQL URI
  std::string password;              // never logged; password_file is read by app/
  std::string password_file;
  std::size_t pool_size = 8;
  milliseconds connect_timeout{5'000};
  milliseconds statement_timeout{10'000};

  bool operator==(const DatabaseConfig&) const = default;
};

enum class EventStoreKind { memory, database };

struct TransportConfig {
  bool stateful = true;
  bool json_response = false;
  EventStoreKind event_store = EventStoreKind::memory;
  milliseconds session_idle_ttl{30 * 60'000};
  std::size_t max_sessions = 10'000;
  std::size_t max_events_per_stream = 1'000;
  milliseconds keepalive{15'000};
  // ttlMs of modern (2026-07-28) cacheable results: how long a client may reuse a list without
  // asking again. 0: ask every time.
  milliseconds cache_ttl{0};
  // How long a 2026-07-28 client has to retry a call that answered input_required (its
  // requestState expires then, and the call upstream is cancelled).
  milliseconds input_ttl{10 * 60'000};
  std::vector<std::string> allowed_origins;

  bool operator==(const TransportConfig&) const = default;
};

// Upstream MCP servers (gateways).
struct FederationConfig {
  std::string name_separator = "__";       // federated names: <slug><sep><original name>
  milliseconds request_timeout{30'000};    // an upstream request with no message for this long
  milliseconds health_interval{30'000};    // ping period per gateway
  unsigned unhealthy_after = 3;            // failed pings before a gateway is unreachable
  milliseconds discovery_timeout{10'000};  // initialize + all list pages, per gateway
  bool verify_tls = true;

  bool operator==(const FederationConfig&) const = default;
};

enum class LogFormat { text, json };

struct LoggingConfig {
  std::string level = "info";
  LogFormat format = LogFormat::text;
  bool access_log = true;

  bool operator==(const LoggingConfig&) const = default;
};

// Token buckets (common/rate_limit.h): per principal over every guarded request, and per
// principal and tool over tools/call. 0 per second: unlimited.
struct RateOverride {
  std::string subject;
  double requests_per_second = 0, request_burst = 0;
  double tool_calls_per_second = 0, tool_call_burst = 0;
  bool operator==(const RateOverride&) const = default;
};

struct RateLimitConfig {
  double requests_per_second = 0, request_burst = 0;
  double tool_calls_per_second = 0, tool_call_burst = 0;
  std::vector<RateOverride> overrides;  // by subject, each replacing all four

  bool operator==(const RateLimitConfig&) const = default;
};

struct MetricsConfig {
  bool enabled = true;

  bool operator==(const MetricsConfig&) const = default;
};

struct Config {
  ServerConfig server;
  AuthConfig auth;
  DatabaseConfig database;
  TransportConfig transport;
  FederationConfig federation;
  LoggingConfig logging;
  MetricsConfig metrics;
  RateLimitConfig rate_limits;
  // Where the values came from, for messages: the file path or "(defaults)".
  std::string source = "(defaults)";
};

// A configuration that cannot be used. what() is one line naming the key and where it was set
// (file:line or the environment variable).
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

using Environment = std::map<std::string, std::string>;

// Reads the process environment's MCPGW_* variables.
Environment process_environment();

// Loads path (must exist) over the defaults, then applies env. Throws ConfigError.
Config load_file(const std::string& path, const Environment& env);
// Same from YAML text; name is used in messages in place of a file path.
Config load_string(const std::string& yaml, const std::string& name, const Environment& env);

// "section.key" of every setting, in documentation order.
std::vector<std::string> all_keys();

// The directory that holds the database file and generated secrets.
std::string data_dir(const Config& cfg);

}  // namespace mcpgw::config
