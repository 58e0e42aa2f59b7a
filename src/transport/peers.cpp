#include "transport/peers.h"

namespace mcpgw::transport {

std::string request_id_prefix(std::string_view node_id) {
  return "mcpgw-" + std::string(node_id) + "-";
}

std::optional<std::string> node_of_request_id(std::string_view id) {
  constexpr std::string_view kHead = "mcpgw-";
  if (id.substr(0, kHead.size()) != kHead) return std::nullopt;
  const auto rest = id.substr(kHead.size());
  const auto dash = rest.find('-');
  if (dash == std::string_view::npos || dash == 0) return std::nullopt;
  return std::string(rest.substr(0, dash));
}

}  // namespace mcpgw::transport
