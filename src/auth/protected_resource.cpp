#include "auth/protected_resource.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "auth/principal.h"

namespace mcpgw::auth {
namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

// A Host header fit to be put in a URL and a header: a name or an address, and a port.
bool plain_host(std::string_view h) {
  if (h.empty() || h.size() > 255) return false;
  for (char c : h)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' &&
        c != '[' && c != ']')
      return false;
  return true;
}

}  // namespace

ProtectedResource::ProtectedResource(const config::AuthConfig& auth)
    : resource_url_(auth.resource_url) {
  for (const auto& i : auth.issuers)
    authorization_servers_.push_back(i.issuer);
}

std::string ProtectedResource::resource_path(std::string_view target) {
  target = target.substr(0, target.find('?'));
  if (target == "/mcp") return "/mcp";
  constexpr std::string_view servers = "/servers/";
  if (target.size() > servers.size() + 4 && target.substr(0, servers.size()) == servers &&
      target.substr(target.size() - 4) == "/mcp") {
    const auto id = target.substr(servers.size(), target.size() - servers.size() - 4);
    // Put in a URL and a quoted header parameter: unreserved characters and escapes only.
    const bool plain = std::all_of(id.begin(), id.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
             c == '~' || c == '%';
    });
    if (plain) return std::string(target);
  }
  return "";
}

std::string ProtectedResource::base_url(const http::Request& req) const {
  if (!resource_url_.empty()) return resource_url_;
  auto host = req.find(bhttp::field::host);
  if (host == req.end() || !plain_host(host->value())) return "";
  return "http://" + std::string(host->value());
}

json::object ProtectedResource::document(std::string_view base,
                                         std::string_view resource_path) const {
  json::object doc;
  doc["resource"] = std::string(base) + std::string(resource_path);
  if (!authorization_servers_.empty())
    doc["authorization_servers"] = json::value_from(authorization_servers_);
  // MCP routes need mcp; the gateway's own (admin API) needs admin.
  doc["scopes_supported"] =
      resource_path.empty() ? json::array{kScopeAdmin, kScopeMcp} : json::array{kScopeMcp};
  doc["bearer_methods_supported"] = json::array{"header"};
  doc["resource_name"] = "mcpgw";
  return doc;
}

std::string ProtectedResource::metadata_param(const http::Request& req) const {
  const std::string base = base_url(req);
  if (base.empty()) return "";
  return "resource_metadata=\"" + base + std::string(kMetadataPrefix) +
         resource_path(req.target()) + "\"";
}

std::string ProtectedResource::unauthorized(const http::Request& req, bool token_presented,
                                            std::string_view scope) const {
  std::string params;
  auto add = [&](const std::string& p) {
    if (!p.empty()) params += (params.empty() ? " " : ", ") + p;
  };
  if (token_presented) add("error=\"invalid_token\"");
  add(metadata_param(req));
  if (!scope.empty()) add("scope=\"" + std::string(scope) + "\"");
  return "Bearer" + params;
}

std::string ProtectedResource::insufficient_scope(const http::Request& req,
                                                  std::string_view scope) const {
  std::string out = "Bearer error=\"insufficient_scope\", scope=\"" + std::string(scope) + "\"";
  if (const std::string m = metadata_param(req); !m.empty()) out += ", " + m;
  return out;
}

}  // namespace mcpgw::auth
