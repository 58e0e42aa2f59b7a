#include "protocol/header_value.h"

#include "common/crypto.h"

namespace mcpgw::protocol {
namespace {

constexpr std::string_view kPrefix = "=?base64?";
constexpr std::string_view kSuffix = "?=";

bool is_sentinel(std::string_view v) {
  return v.size() >= kPrefix.size() + kSuffix.size() && v.starts_with(kPrefix) &&
         v.ends_with(kSuffix);
}

bool visible(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x21 && u <= 0x7e;
}

}  // namespace

std::string encode_header_value(std::string_view value) {
  bool plain =
      !value.empty() && visible(value.front()) && visible(value.back()) && !is_sentinel(value);
  for (char c : value)
    plain = plain && (visible(c) || c == ' ');
  if (plain) return std::string(value);
  return std::string(kPrefix) + crypto::base64(value) + std::string(kSuffix);
}

std::string_view trim_ows(std::string_view v) {
  const auto first = v.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return v.substr(first, v.find_last_not_of(" \t") - first + 1);
}

std::optional<std::string> decode_header_value(std::string_view header) {
  header = trim_ows(header);
  for (char c : header)
    if (!visible(c) && c != ' ' && c != '\t') return std::nullopt;
  if (!is_sentinel(header)) return std::string(header);
  return crypto::unbase64(
      header.substr(kPrefix.size(), header.size() - kPrefix.size() - kSuffix.size()));
}

}  // namespace mcpgw::protocol
