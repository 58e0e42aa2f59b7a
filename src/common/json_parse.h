#pragma once
// JSON text to a value with every number read exactly. Boost.JSON 1.81's own parser is fast but
// not correctly rounded: it reads about one double in ten of what a client writes (the shortest
// text of a double, as JavaScript's JSON.stringify writes it: 113.17408141314563) one unit in the
// last place off, so a tool argument relayed through mcpgw reached the upstream as a different
// number. parse_json is json::parse with the same options and errors, except that a double is read
// with std::from_chars (correctly rounded). Everything in src/ parses JSON through it
// (scripts/check_source.py holds it to that).
#include <boost/json/parse_options.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>

namespace mcpgw {

// One JSON text, all of it (trailing whitespace only): else ec is set and the value is null.
// A number too large for a double (1e400) is infinity, as with json::parse (common/json_numbers.h).
boost::json::value parse_json(std::string_view text, boost::system::error_code& ec,
                              const boost::json::parse_options& options = {},
                              boost::json::storage_ptr storage = {});

}  // namespace mcpgw
