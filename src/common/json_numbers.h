#pragma once
// Boost.JSON 1.81 reads a number too large for a double (1e400) as infinity, and writes infinity
// back as `Infinity`, which is not JSON. JSON read from outside is refused when it holds one, so
// that whatever mcpgw writes from it (to an upstream, a REST endpoint, the database) is JSON.
#include <boost/json/value.hpp>
#include <cmath>

namespace mcpgw {

// True when every number in v is finite. Recursive: callers parse with a bounded max_depth.
inline bool finite_numbers(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return std::isfinite(v.get_double());
    case boost::json::kind::array:
      for (const auto& e : v.get_array())
        if (!finite_numbers(e)) return false;
      return true;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object())
        if (!finite_numbers(kv.value())) return false;
      return true;
    default:
      return true;
  }
}

}  // namespace mcpgw
