#include "admin/openapi_api.h"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <set>

namespace json = boost::json;
using mcpgw::admin::documented_routes;
using mcpgw::admin::openapi_document;

namespace {

json::value document() {
  boost::system::error_code ec;
  auto v = json::parse(openapi_document(), ec);
  REQUIRE_FALSE(ec);
  return v;
}

// Resolves a local JSON pointer ("#/components/schemas/Tool"); null when it leads nowhere.
const json::value* resolve(const json::value& doc, std::string_view ref) {
  if (ref.substr(0, 2) != "#/") return nullptr;
  const json::value* cur = &doc;
  std::string_view rest = ref.substr(2);
  while (true) {
    const auto slash = rest.find('/');
    std::string token(rest.substr(0, slash));
    for (std::size_t i; (i = token.find("~1")) != std::string::npos;)
      token.replace(i, 2, "/");
    for (std::size_t i; (i = token.find("~0")) != std::string::npos;)
      token.replace(i, 2, "~");
    if (!cur->is_object() || !cur->get_object().contains(token)) return nullptr;
    cur = &cur->get_object().at(token);
    if (slash == std::string_view::npos) return cur;
    rest = rest.substr(slash + 1);
  }
}

void collect_refs(const json::value& v, std::vector<std::string>& out) {
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (kv.key() == "$ref" && kv.value().is_string())
        out.emplace_back(kv.value().get_string());
      else
        collect_refs(kv.value(), out);
    }
  } else if (v.is_array()) {
    for (const auto& item : v.get_array())
      collect_refs(item, out);
  }
}

}  // namespace

TEST_CASE("the OpenAPI document is OpenAPI 3.1 JSON", "[openapi]") {
  auto doc = document();
  REQUIRE(doc.is_object());
  const auto& version = doc.at("openapi");
  REQUIRE(version.is_string());
  CHECK(std::string_view(version.get_string()).substr(0, 4) == "3.1.");
  CHECK(doc.at("info").at("title").is_string());
  CHECK(doc.at("info").at("version").is_string());
  CHECK(doc.at("paths").is_object());
}

TEST_CASE("every $ref of the OpenAPI document resolves", "[openapi]") {
  auto doc = document();
  std::vector<std::string> refs;
  collect_refs(doc, refs);
  CHECK(refs.size() > 50);
  for (const auto& r : refs) {
    INFO(r);
    CHECK(resolve(doc, r) != nullptr);
  }
}

TEST_CASE("every operation has responses, and every admin route its error responses", "[openapi]") {
  auto doc = document();
  for (const auto& [method, path] : documented_routes()) {
    std::string key = method;
    for (auto& c : key)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    INFO(method << " " << path);
    const auto& op = doc.at("paths").at(path).at(key).get_object();
    REQUIRE(op.contains("responses"));
    const auto& responses = op.at("responses").get_object();
    CHECK_FALSE(responses.empty());
    const bool open = op.contains("security") && op.at("security").get_array().empty();
    if (!open) CHECK(responses.contains("401"));
    if (path.rfind("/v1/", 0) == 0 && !open && path != "/v1/whoami") {
      CHECK(responses.contains("403"));
      if (path.find("{id}") != std::string::npos) CHECK(responses.contains("404"));
      if (method == "POST" || method == "PUT" || method == "PATCH") {
        if (path.find("/refresh") == std::string::npos) {
          CHECK(responses.contains("415"));
          CHECK(responses.contains("422"));
        }
      }
    }
  }
}

TEST_CASE("every route of the daemon is documented", "[openapi]") {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"GET", "/health"},
      {"GET", "/ready"},
      {"GET", "/version"},
      {"GET", "/.well-known/oauth-protected-resource"},
      {"GET", "/.well-known/oauth-protected-resource/mcp"},
      {"GET", "/.well-known/oauth-protected-resource/servers/{id}/mcp"},
      {"GET", "/metrics"},
      {"GET", "/v1/openapi.json"},
      {"GET", "/v1/whoami"},
      {"GET", "/v1/tokens"},
      {"POST", "/v1/tokens"},
      {"GET", "/v1/tokens/{id}"},
      {"DELETE", "/v1/tokens/{id}"},
      {"GET", "/v1/tools"},
      {"POST", "/v1/tools"},
      {"GET", "/v1/tools/{id}"},
      {"PUT", "/v1/tools/{id}"},
      {"PATCH", "/v1/tools/{id}"},
      {"DELETE", "/v1/tools/{id}"},
      {"GET", "/v1/servers"},
      {"POST", "/v1/servers"},
      {"GET", "/v1/servers/{id}"},
      {"PUT", "/v1/servers/{id}"},
      {"PATCH", "/v1/servers/{id}"},
      {"DELETE", "/v1/servers/{id}"},
      {"GET", "/v1/resources"},
      {"GET", "/v1/resources/{id}"},
      {"PATCH", "/v1/resources/{id}"},
      {"GET", "/v1/prompts"},
      {"GET", "/v1/prompts/{id}"},
      {"PATCH", "/v1/prompts/{id}"},
      {"GET", "/v1/gateways"},
      {"POST", "/v1/gateways"},
      {"GET", "/v1/gateways/{id}"},
      {"PUT", "/v1/gateways/{id}"},
      {"PATCH", "/v1/gateways/{id}"},
      {"DELETE", "/v1/gateways/{id}"},
      {"POST", "/v1/gateways/{id}/refresh"},
      {"GET", "/v1/policies"},
      {"POST", "/v1/policies"},
      {"GET", "/v1/policies/{id}"},
      {"PUT", "/v1/policies/{id}"},
      {"PATCH", "/v1/policies/{id}"},
      {"DELETE", "/v1/policies/{id}"},
      {"POST", "/mcp"},
      {"GET", "/mcp"},
      {"DELETE", "/mcp"},
      {"POST", "/servers/{id}/mcp"},
      {"GET", "/servers/{id}/mcp"},
      {"DELETE", "/servers/{id}/mcp"},
  };
  const auto documented = documented_routes();
  const std::set<std::pair<std::string, std::string>> have(documented.begin(), documented.end());
  CHECK(have.size() == documented.size());  // no (method, path) twice
  for (const auto& route : expected) {
    INFO(route.first << " " << route.second);
    CHECK(have.count(route) == 1);
  }
  CHECK(documented.size() == expected.size());
}

TEST_CASE("operation ids are unique", "[openapi]") {
  auto doc = document();
  std::set<std::string> ids;
  for (const auto& [method, path] : documented_routes()) {
    std::string key = method;
    for (auto& c : key)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto& op = doc.at("paths").at(path).at(key);
    REQUIRE(op.get_object().contains("operationId"));
    INFO(op.at("operationId"));
    CHECK(ids.insert(std::string(op.at("operationId").get_string())).second);
  }
}
