#include "auth/protected_resource.h"

#include <catch2/catch.hpp>

using namespace mcpgw;
namespace bhttp = boost::beast::http;

namespace {
http::Request request(std::string target, std::string host) {
  http::Request req{bhttp::verb::post, target, 11};
  if (!host.empty()) req.set(bhttp::field::host, host);
  return req;
}
}  // namespace

TEST_CASE("protected resource: the resource a request-target belongs to", "[auth][rfc9728]") {
  using R = auth::ProtectedResource;
  CHECK(R::resource_path("/mcp") == "/mcp");
  CHECK(R::resource_path("/mcp?x=1") == "/mcp");
  CHECK(R::resource_path("/servers/abc/mcp") == "/servers/abc/mcp");
  CHECK(R::resource_path("/servers/a%20b/mcp") == "/servers/a%20b/mcp");
  CHECK(R::resource_path("/servers/a/b/mcp") == "");
  CHECK(R::resource_path("/servers/a\"b/mcp") == "");
  CHECK(R::resource_path("/servers//mcp") == "");
  CHECK(R::resource_path("/v1/tools") == "");
  CHECK(R::resource_path("/mcp/x") == "");
}

TEST_CASE("protected resource: challenges name the metadata of the request's resource",
          "[auth][rfc9728]") {
  config::AuthConfig cfg;
  auth::ProtectedResource from_host(cfg);
  auto r = request("/servers/s1/mcp", "127.0.0.1:8080");
  CHECK(from_host.base_url(r) == "http://127.0.0.1:8080");
  CHECK(from_host.unauthorized(r, false, "mcp") ==
        "Bearer resource_metadata=\"http://127.0.0.1:8080/.well-known/oauth-protected-resource/"
        "servers/s1/mcp\", scope=\"mcp\"");
  CHECK(from_host.unauthorized(request("/v1/whoami", "gw:1"), true, "") ==
        "Bearer error=\"invalid_token\", resource_metadata=\"http://gw:1/.well-known/"
        "oauth-protected-resource\"");
  CHECK(from_host.insufficient_scope(request("/v1/tools", "gw"), "admin") ==
        "Bearer error=\"insufficient_scope\", scope=\"admin\", resource_metadata=\"http://gw/"
        ".well-known/oauth-protected-resource\"");
  // A Host that could break the header or the URL is not reflected.
  const std::vector<std::string> bad_hosts{"evil\"x", "a b", "a/b", "", std::string(300, 'a')};
  for (const std::string& bad : bad_hosts) {
    INFO(bad);
    CHECK(from_host.base_url(request("/mcp", bad)).empty());
    CHECK(from_host.unauthorized(request("/mcp", bad), false, "mcp") == "Bearer scope=\"mcp\"");
  }
  cfg.resource_url = "https://gw.example.com";
  auth::ProtectedResource configured(cfg);
  CHECK(configured.base_url(request("/mcp", "evil.example.com")) == "https://gw.example.com");
}

TEST_CASE("protected resource: the document lists issuers and scopes", "[auth][rfc9728]") {
  config::AuthConfig cfg;
  cfg.issuers.resize(2);
  cfg.issuers[0].issuer = "https://a";
  cfg.issuers[1].issuer = "https://b";
  auth::ProtectedResource pr(cfg);
  const auto doc = pr.document("https://gw", "/mcp");
  CHECK(boost::json::serialize(doc) ==
        R"({"resource":"https://gw/mcp","authorization_servers":["https://a","https://b"],)"
        R"("scopes_supported":["mcp"],"bearer_methods_supported":["header"],)"
        R"("resource_name":"mcpgw"})");
  CHECK_FALSE(auth::ProtectedResource(config::AuthConfig{})
                  .document("https://gw", "")
                  .contains("authorization_servers"));
}
