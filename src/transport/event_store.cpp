#include "transport/event_store.h"

#include <charconv>

namespace mcpgw::transport {

std::string stream_key(std::string_view session_id, std::uint64_t stream) {
  return std::string(session_id) + "." + std::to_string(stream);
}

std::string event_id(std::string_view session_id, std::uint64_t stream, std::uint64_t seq) {
  return stream_key(session_id, stream) + "." + std::to_string(seq);
}

std::optional<EventId> parse_event_id(std::string_view id) {
  const auto second = id.rfind('.');
  if (second == std::string_view::npos || second == 0) return std::nullopt;
  const auto first = id.rfind('.', second - 1);
  if (first == std::string_view::npos || first == 0) return std::nullopt;
  EventId out;
  out.session_id = std::string(id.substr(0, first));
  auto number = [](std::string_view s, std::uint64_t& v) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return !s.empty() && ec == std::errc{} && p == s.data() + s.size();
  };
  if (!number(id.substr(first + 1, second - first - 1), out.stream) ||
      !number(id.substr(second + 1), out.seq))
    return std::nullopt;
  return out;
}

}  // namespace mcpgw::transport
