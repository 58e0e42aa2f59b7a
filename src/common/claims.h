#pragma once
// Reading the claims of a token (a JSON object): by dotted path, as lists of strings, and whether
// a claim holds a value. Shared by the token verifiers (auth/) and the policies that decide on
// claims (gateway/policy.h).
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw {

// A claim that is one string or an array of strings; split_spaces splits each string at spaces
// (the scope claim).
std::vector<std::string> string_list(const boost::json::value& v, bool split_spaces);

// The value at a dotted path (realm_access.roles), or nullptr. A key containing a dot is found
// too when it is present as a whole (https://example.com/groups is one key, not a path).
const boost::json::value* claim_at(const boost::json::object& claims, std::string_view path);

// Whether a claim holds value: equal to a string claim or one of its space-separated words, an
// element of an array claim, or "true"/"false" for a boolean one. nullptr holds nothing.
bool claim_holds(const boost::json::value* claim, std::string_view value);

}  // namespace mcpgw
