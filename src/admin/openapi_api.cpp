#include "admin/openapi_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <stdexcept>

#include "common/json_parse.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;

// Defined in the file cmake/embed_file.cmake generates from docs/openapi.json.
std::string_view embedded_openapi_json();

std::string_view openapi_document() {
  return embedded_openapi_json();
}

std::vector<std::pair<std::string, std::string>> documented_routes() {
  boost::system::error_code ec;
  auto doc = parse_json(openapi_document(), ec);
  if (ec || !doc.is_object() || !doc.get_object().contains("paths") || !doc.at("paths").is_object())
    throw std::runtime_error("embedded openapi.json has no paths object");
  static constexpr std::string_view kMethods[] = {"get",     "put",  "post",  "delete",
                                                  "options", "head", "patch", "trace"};
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& path : doc.at("paths").get_object()) {
    if (!path.value().is_object()) continue;
    for (const auto& op : path.value().get_object()) {
      if (std::find(std::begin(kMethods), std::end(kMethods), op.key()) == std::end(kMethods))
        continue;  // parameters, summary, ...
      std::string method(op.key());
      for (auto& ch : method)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out.emplace_back(std::move(method), std::string(path.key()));
    }
  }
  return out;
}

void register_openapi_route(http::HttpServer& server) {
  // Open like /health: the description of the API is no secret, and tools fetch it unauthenticated.
  server.route("GET", "/v1/openapi.json", http::Access::open(),
               [](http::Exchange&) -> awaitable<http::Response> {
                 http::Response res{http::Status::ok, 11};
                 res.set(boost::beast::http::field::content_type, "application/json");
                 res.set(boost::beast::http::field::cache_control, "no-cache");
                 res.body() = std::string(openapi_document());
                 res.prepare_payload();
                 co_return res;
               });
}

}  // namespace mcpgw::admin
