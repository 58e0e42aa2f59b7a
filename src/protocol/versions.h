#pragma once
// The MCP revisions mcpgw speaks, on both sides: to clients (mcp, transport) and to upstream
// servers (gateway), and the era each belongs to.
#include <array>
#include <string_view>

namespace mcpgw::protocol {

// Legacy: initialize, sessions, the GET stream, resumable SSE (2025-03-26 ... 2025-11-25).
// Modern: stateless requests, each with its version and the client's capabilities in a _meta
// envelope (2026-07-28 on).
enum class Era { legacy, modern };

// The legacy revisions, newest first. initialize answers with the client's version when it is
// here, else the first.
inline constexpr std::array<std::string_view, 3> kSupportedVersions = {"2025-11-25", "2025-06-18",
                                                                       "2025-03-26"};
inline constexpr std::string_view kLatestVersion = kSupportedVersions[0];
// The modern revisions, newest first.
inline constexpr std::array<std::string_view, 1> kModernVersions = {"2026-07-28"};
// Every revision served, newest first: server/discover's supportedVersions and the list an
// UnsupportedProtocolVersion error gives.
inline constexpr std::array<std::string_view, 4> kAllVersions = {"2026-07-28", "2025-11-25",
                                                                 "2025-06-18", "2025-03-26"};
// The version assumed when a request carries no MCP-Protocol-Version and nothing else tells.
inline constexpr std::string_view kDefaultVersion = "2025-03-26";
// The first revision of the modern era.
inline constexpr std::string_view kFirstModernVersion = "2026-07-28";

// A legacy revision mcpgw serves.
inline bool is_supported_version(std::string_view v) {
  for (auto s : kSupportedVersions)
    if (s == v) return true;
  return false;
}
inline bool is_modern_version(std::string_view v) {
  for (auto s : kModernVersions)
    if (s == v) return true;
  return false;
}
// Revisions are dates, so they compare as strings.
inline Era era_of(std::string_view version) {
  return version >= kFirstModernVersion ? Era::modern : Era::legacy;
}
// A revision of the modern era by its name, served or not: a date (YYYY-MM-DD) from
// kFirstModernVersion on. A request naming one is answered as the modern era answers.
inline bool is_modern_era(std::string_view v) {
  if (v.size() != 10) return false;
  for (std::size_t i = 0; i < v.size(); ++i)
    if ((i == 4 || i == 7) ? v[i] != '-' : (v[i] < '0' || v[i] > '9')) return false;
  return v >= kFirstModernVersion;
}
// Batches exist only in 2025-03-26.
inline bool allows_batches(std::string_view version) {
  return version == "2025-03-26";
}
// Priming events and retry hints are understood from 2025-11-25 on; older clients choke on them.
inline bool wants_priming_event(std::string_view version) {
  return version >= "2025-11-25";
}

}  // namespace mcpgw::protocol
