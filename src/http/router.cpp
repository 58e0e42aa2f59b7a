#include "http/router.h"

#include <boost/url/parse.hpp>
#include <stdexcept>

namespace mcpgw::http {
namespace {

std::vector<std::string_view> split_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  std::vector<std::string_view> out;
  std::size_t pos = 1;
  while (pos <= pattern.size()) {
    auto end = pattern.find('/', pos);
    if (end == std::string_view::npos) end = pattern.size();
    out.push_back(pattern.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::size_t Router::add(std::string method, std::string_view pattern) {
  Route r{std::move(method), std::string(pattern), {}};
  for (auto seg : split_pattern(pattern)) {
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      r.segments.push_back({std::string(seg.substr(1, seg.size() - 2)), true});
    } else {
      if (seg.find_first_of("{}") != std::string_view::npos)
        throw std::invalid_argument("malformed route pattern: " + std::string(pattern));
      r.segments.push_back({std::string(seg), false});
    }
  }
  for (const auto& existing : routes_)
    if (existing.method == r.method && existing.pattern == r.pattern)
      throw std::invalid_argument("duplicate route: " + r.method + " " + r.pattern);
  routes_.push_back(std::move(r));
  return routes_.size() - 1;
}

RouteMatch Router::match(std::string_view method, std::string_view target) const {
  RouteMatch result;
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    result.kind = RouteMatch::Kind::bad_path;
    return result;
  }
  std::vector<std::string> segments;
  for (auto seg : parsed->segments())
    segments.push_back(seg);  // decoded
  // "/" parses as zero segments; the pattern "/" is one empty segment.
  if (segments.empty()) segments.emplace_back();

  auto try_method = [&](std::string_view m) -> bool {
    bool path_matched = false;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      const Route& r = routes_[i];
      if (r.segments.size() != segments.size()) continue;
      RouteParams params;
      bool ok = true;
      for (std::size_t s = 0; s < segments.size() && ok; ++s) {
        if (r.segments[s].capture) {
          if (segments[s].empty())
            ok = false;
          else
            params.values.emplace_back(r.segments[s].text, segments[s]);
        } else {
          ok = r.segments[s].text == segments[s];
        }
      }
      if (!ok) continue;
      path_matched = true;
      if (r.method == m) {
        result.kind = RouteMatch::Kind::found;
        result.index = i;
        result.params = std::move(params);
        return true;
      }
      if (result.allow.find(r.method) == std::string::npos)
        result.allow += (result.allow.empty() ? "" : ", ") + r.method;
    }
    if (path_matched) result.kind = RouteMatch::Kind::method_not_allowed;
    return false;
  };
  if (try_method(method)) return result;
  if (method == "HEAD") {
    std::string allow = result.allow;
    result.allow.clear();
    if (try_method("GET")) return result;
    result.allow = allow;
  }
  return result;
}

std::vector<std::pair<std::string, std::string>> Router::routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_)
    out.emplace_back(r.method, r.pattern);
  return out;
}

}  // namespace mcpgw::http
