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

std::optional<std::string> insert_members(std::string_view s, std::string_view members,
                                          std::string_view within) {
  std::size_t at = 0;  // where the object opens
  if (!within.empty()) {
    auto inner = raw_member(s, within);
    if (!inner) return std::nullopt;
    at = static_cast<std::size_t>(inner->data() - s.data());
  } else {
    skip_space(s, at);
  }
  if (at >= s.size() || s[at] != '{') return std::nullopt;
  std::size_t next = at + 1;
  skip_space(s, next);
  if (next >= s.size()) return std::nullopt;
  const bool empty = s[next] == '}';
  std::string out;
  out.reserve(s.size() + members.size() + 1);
  out.append(s.substr(0, at + 1));
  out.append(members);
  if (!empty) out.push_back(',');
  out.append(s.substr(at + 1));
  return out;
}

}  // namespace mcpgw::jsonrpc
