#include "protocol/raw.h"

namespace mcpgw::jsonrpc {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && is_space(s[i]))
    ++i;
}

// At a '"': moves past the closing quote. False when unterminated.
bool skip_string(std::string_view s, std::size_t& i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\')
      ++i;
    else if (s[i] == '"') {
      ++i;
      return true;
    }
  }
  return false;
}

// Moves past one value of any kind. False on malformed input.
bool skip_value(std::string_view s, std::size_t& i) {
  skip_space(s, i);
  if (i >= s.size()) return false;
  if (s[i] == '"') return skip_string(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        if (!skip_string(s, i)) return false;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++i;
          return true;
        }
      }
      ++i;
    }
    return false;
  }
  // number, true, false, null
  const std::size_t start = i;
  while (i < s.size() && !is_space(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != ']')
    ++i;
  return i > start;
}

}  // namespace

std::optional<std::string_view> raw_member(std::string_view s, std::string_view key) {
  std::size_t i = 0;
  skip_space(s, i);
  if (i >= s.size() || s[i] != '{') return std::nullopt;
  ++i;
  for (;;) {
    skip_space(s, i);
    if (i >= s.size() || s[i] != '"') return std::nullopt;  // also '}' of an empty object
    const std::size_t name_start = i + 1;
    if (!skip_string(s, i)) return std::nullopt;
    const std::string_view name = s.substr(name_start, i - 1 - name_start);
    skip_space(s, i);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    skip_space(s, i);
    const std::size_t value_start = i;
    if (!skip_value(s, i)) return std::nullopt;
    if (name == key) return s.substr(value_start, i - value_start);
    skip_space(s, i);
    if (i >= s.size() || s[i] != ',') return std::nullopt;
    ++i;
  }
}

}  // namespace mcpgw::jsonrpc
