#include "common/duration.h"

#include <charconv>
#include <cstdint>
#include <limits>

namespace mcpgw {
namespace {
struct Unit {
  std::string_view suffix;
  std::int64_t ms;
};
// Longest suffix first so that "ms" is not read as "m" + junk.
constexpr Unit kUnits[] = {
    {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}};
}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
    ++digits;
  if (digits == 0) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, value);
  if (ec != std::errc{} || ptr != text.data() + digits) return std::nullopt;
  std::string_view suffix = text.substr(digits);
  std::int64_t scale = 0;
  if (suffix.empty()) {
    scale = 1000;
  } else {
    for (const Unit& u : kUnits)
      if (suffix == u.suffix) scale = u.ms;
  }
  if (scale == 0) return std::nullopt;
  if (value > std::numeric_limits<std::int64_t>::max() / scale) return std::nullopt;
  return std::chrono::milliseconds(value * scale);
}

std::string format_duration(std::chrono::milliseconds d) {
  const std::int64_t ms = d.count();
  if (ms == 0) return "0s";
  for (auto it = std::rbegin(kUnits); it != std::rend(kUnits); ++it)
    if (ms % it->ms == 0) return std::to_string(ms / it->ms) + std::string(it->suffix);
  return std::to_string(ms) + "ms";
}

}  // namespace mcpgw
