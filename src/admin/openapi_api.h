#pragma once
// GET /v1/openapi.json (open): the OpenAPI 3.1 description of every route, from docs/openapi.json,
// embedded in the binary at build time.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mcpgw::http {
class HttpServer;
}

namespace mcpgw::admin {

std::string_view openapi_document();

// Every (METHOD, /path/{param}) the document describes, upper-case methods, in document order.
// Throws std::runtime_error if the embedded document is not the JSON it should be (a build bug).
std::vector<std::pair<std::string, std::string>> documented_routes();

void register_openapi_route(http::HttpServer& server);

}  // namespace mcpgw::admin
