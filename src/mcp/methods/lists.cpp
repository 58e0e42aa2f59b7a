// The list methods' pages, over the catalog snapshot: keyset pages of kPageSize in key order,
// concatenated from the items' JSON that each snapshot serialized once.
#include <algorithm>

#include "gateway/catalog.h"
#include "mcp/methods/methods.h"

namespace mcpgw::mcp {

Outcome list_page(const Services& s, RequestContext& ctx, gateway::ItemKind kind, const char* field,
                  const ListParams& p) {
  const auto snapshot = s.catalog.current();
  const auto items = gateway::visible(*snapshot, kind, ctx.scope());
  auto it = items.begin();
  if (p.after)
    it = std::upper_bound(
        items.begin(), items.end(), *p.after,
        [](const std::string& k, const gateway::CatalogItem* item) { return k < item->key; });
  std::string page = "{\"";
  page += field;
  page += "\":[";
  std::size_t n = 0;
  for (; it != items.end() && n < kPageSize; ++it, ++n) {
    if (n) page += ',';
    page += (*it)->json;
  }
  page += ']';
  if (it != items.end()) {
    page += ",\"nextCursor\":\"";
    page += encode_cursor((*(it - 1))->key);  // hex: nothing to escape
    page += '"';
  }
  page += '}';
  return Outcome::ok_json(std::move(page));
}

}  // namespace mcpgw::mcp
