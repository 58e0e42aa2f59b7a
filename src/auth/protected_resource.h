#pragma once
// This gateway as an OAuth 2.0 protected resource (RFC 9728, as the MCP authorization spec asks):
// its metadata documents, and the WWW-Authenticate challenges of its 401 and 403 answers, which
// point a client at the document and so at the authorization servers (auth.issuers).
// Resources: the gateway itself (<base>), /mcp (<base>/mcp) and each virtual server
// (<base>/servers/<id>/mcp). Their documents are at /.well-known/oauth-protected-resource
// followed by the resource's path (RFC 9728 section 3.1).
#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "http/message.h"

namespace mcpgw::auth {

inline constexpr std::string_view kMetadataPrefix = "/.well-known/oauth-protected-resource";

class ProtectedResource {
 public:
  explicit ProtectedResource(const config::AuthConfig& auth);

  // The path of the resource a request-target belongs to: "/mcp", "/servers/<id>/mcp" (the id
  // as sent, percent-encoding and all), or "" (the admin API and the rest: the gateway).
  static std::string resource_path(std::string_view target);

  // The public URL the request reached: auth.resource_url, else http://<Host> when the Host
  // header is a plain host[:port]; "" when neither (no metadata URL can be given then).
  std::string base_url(const http::Request& req) const;

  // The RFC 9728 document of the resource at resource_path, as reached at base.
  boost::json::object document(std::string_view base, std::string_view resource_path) const;

  // The challenge of a 401 for this request: RFC 6750's error="invalid_token" when a token was
  // presented, resource_metadata, and scope when the route needs one.
  std::string unauthorized(const http::Request& req, bool token_presented,
                           std::string_view scope) const;
  // The challenge of a 403 for a token without the scope.
  std::string insufficient_scope(const http::Request& req, std::string_view scope) const;

 private:
  std::string metadata_param(const http::Request& req) const;

  std::string resource_url_;
  std::vector<std::string> authorization_servers_;
};

}  // namespace mcpgw::auth
