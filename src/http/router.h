#pragma once
// Maps (method, path) to a route index. Patterns are literal segments and {name} captures, e.g.
// "/servers/{id}/mcp". Paths are matched segment by segment after percent-decoding, so a capture
// never spans a '/' and "%2F" inside a segment stays inside that segment's value.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpgw::http {

struct RouteParams {
  std::vector<std::pair<std::string, std::string>> values;
  std::optional<std::string_view> get(std::string_view name) const {
    for (const auto& [k, v] : values)
      if (k == name) return std::string_view(v);
    return std::nullopt;
  }
};

struct RouteMatch {
  enum class Kind { found, not_found, method_not_allowed, bad_path };
  Kind kind = Kind::not_found;
  std::size_t index = 0;
  RouteParams params;
  std::string allow;  // for method_not_allowed: "GET, POST"
};

class Router {
 public:
  // Returns the index of the new route. Throws std::invalid_argument for a malformed pattern or a
  // duplicate (method, pattern).
  std::size_t add(std::string method, std::string_view pattern);
  // target: the request-target (origin-form, query allowed). HEAD falls back to a GET route.
  RouteMatch match(std::string_view method, std::string_view target) const;
  // Every (method, pattern), in insertion order.
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  struct Segment {
    std::string text;
    bool capture = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
  };
  std::vector<Route> routes_;
};

}  // namespace mcpgw::http
