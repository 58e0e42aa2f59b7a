#pragma once
// JSON from fuzz input, for the harnesses that feed it to code behind mcpgw's parsers.
#include <boost/json.hpp>
#include <string_view>

#include "common/json_numbers.h"
#include "common/json_parse.h"

namespace mcpgw::fuzz {

// The object text holds, as it would reach code past jsonrpc::parse or the admin body parser
// (an object, no number out of range); an empty object otherwise.
inline boost::json::object object_or_empty(std::string_view text) {
  boost::system::error_code ec;
  boost::json::value v = mcpgw::parse_json(text, ec);
  return !ec && v.is_object() && finite_numbers(v) ? std::move(v.get_object())
                                                   : boost::json::object{};
}

}  // namespace mcpgw::fuzz
