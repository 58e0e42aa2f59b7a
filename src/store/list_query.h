#pragma once
// One keyset page of a catalog list: rows ordered by (name, id), every filter that is set applied.
// Unlike OFFSET, rows inserted or deleted meanwhile never make a page repeat or skip a row that
// existed throughout; how a cursor encodes `after` is the caller's business.
#include <optional>
#include <string>
#include <utility>

namespace mcpgw::store {

struct ListQuery {
  int limit = 100;                                           // at most this many rows
  std::optional<std::pair<std::string, std::string>> after;  // (name, id): rows after this one
  std::optional<std::string> name_contains;     // ASCII case-insensitive substring of the name
  std::optional<std::string> tag;               // exactly one of the row's tags
  std::optional<std::string> gateway_id;        // rows of this upstream gateway
  std::optional<std::string> integration_type;  // tools: REST | MCP
};

}  // namespace mcpgw::store
