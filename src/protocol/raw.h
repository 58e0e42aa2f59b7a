#pragma once
// Byte-exact access to parts of a JSON document that is already known to be valid (it was parsed
// once). A relay uses it to pass an upstream's result or params on without re-serializing them:
// Boost.JSON would write 0.5 as 5E-1 and drop nothing, but "unchanged" means the same bytes.
#include <optional>
#include <string_view>

namespace mcpgw::jsonrpc {

// The text of the value of top-level member `key` of the JSON object `object_text`, exactly as
// it appears there; nullopt when the text is not an object or has no such member. The key is
// compared after decoding the common escapes only if it has none (MCP member names never do).
std::optional<std::string_view> raw_member(std::string_view object_text, std::string_view key);

// object_text with `members` (serialized members, "\"a\":1,\"b\":2") put first in the object, or
// first in the object-valued top-level member `within` when that is given: the rest stays byte
// for byte. nullopt when the text (or that member) is not an object.
std::optional<std::string> insert_members(std::string_view object_text, std::string_view members,
                                          std::string_view within = {});

}  // namespace mcpgw::jsonrpc
