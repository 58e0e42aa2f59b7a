#pragma once
// The query of an admin list endpoint: ?limit=&cursor=&name=&tag=&gateway=&integration_type=
//
// Pages are keyset pages ordered by (name, id): the cursor holds the (name, id) of the last item
// of the previous page, and the next page is every row after it. Unlike OFFSET, rows inserted or
// deleted meanwhile never make a page repeat or skip an item that existed throughout.
#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "admin/validation.h"
#include "store/list_query.h"

namespace mcpgw::admin {

// Which filters an endpoint accepts (a bit set).
enum ListFilter : unsigned {
  kFilterName = 1,             // case-insensitive substring of the name
  kFilterTag = 2,              // exact tag (tables with a tags column)
  kFilterGateway = 4,          // gateway id
  kFilterIntegrationType = 8,  // tools: REST | MCP
};

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 500;

struct PagePosition {
  std::string name;
  std::string id;
  bool operator==(const PagePosition&) const = default;
};

struct ListQuery {
  int limit = kDefaultPageSize;
  std::optional<PagePosition> after;
  std::optional<std::string> name, tag, gateway, integration_type;
};

// Parses the query of target (an origin-form request-target). Unknown or repeated parameters,
// parameters the endpoint does not take, a limit outside 1..500 and a cursor mcpgw did not make
// are errors naming the parameter.
std::optional<ListQuery> parse_list_query(std::string_view target, unsigned allowed,
                                          FieldErrors& errors);

// The opaque cursor for "after this item": base64url of a small JSON array.
std::string encode_cursor(const PagePosition& last);
std::optional<PagePosition> decode_cursor(std::string_view cursor);

// The store's query for the page q asks for: one row more than the page size, so that page_json
// learns whether a further page exists.
store::ListQuery store_query(const ListQuery& q);

// {"items": [...], "next_cursor"?: "..."} from up to q.limit + 1 rows (each with "name" and
// "id"): the extra row only tells that a further page exists.
boost::json::object page_json(boost::json::array items, const ListQuery& q);

}  // namespace mcpgw::admin
