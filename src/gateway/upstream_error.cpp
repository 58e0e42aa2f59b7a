#include "gateway/upstream_error.h"

namespace mcpgw::gateway {

const char* UpstreamError::kind_name(Kind k) {
  static constexpr const char* kNames[kKinds] = {"unreachable", "disconnected", "timeout",
                                                 "http_status", "session_lost", "protocol",
                                                 "rejected",    "too_large",    "cancelled"};
  const auto i = static_cast<std::size_t>(k);
  return i < kKinds ? kNames[i] : "unknown";
}

std::string UpstreamError::text() const {
  std::string out;
  if (!context.empty()) out = context + ": ";
  switch (kind) {
    case Kind::http_status:
    case Kind::session_lost:
      out += "upstream answered HTTP " + std::to_string(http_status) + " " + detail;
      break;
    case Kind::cancelled:
      out += "cancelled";
      break;
    case Kind::unreachable:
    case Kind::disconnected:
    case Kind::timeout:
    case Kind::protocol:
    case Kind::rejected:
    case Kind::too_large:
      out += detail;
      break;
  }
  return out;
}

}  // namespace mcpgw::gateway
