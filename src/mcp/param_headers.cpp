#include "mcp/param_headers.h"

#include <strings.h>
#include <boost/json.hpp>
#include <charconv>

#include "protocol/errors.h"
#include "protocol/header_params.h"
#include "protocol/header_value.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
namespace {

Refusal mismatch(std::string message) {
  return Refusal{400,
                 {protocol::error::kHeaderMismatch, "Header mismatch: " + message, std::nullopt}};
}

const std::string* find_header(const ParamHeaders& received, const std::string& name) {
  for (const auto& [k, v] : received)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return &v;
  return nullptr;
}

// Integers compare as numbers ("42.0" and 42 are equal), everything else as text.
bool same(const std::string& header, const std::string& body) {
  if (header == body) return true;
  double a = 0, b = 0;
  const auto pa = std::from_chars(header.data(), header.data() + header.size(), a);
  const auto pb = std::from_chars(body.data(), body.data() + body.size(), b);
  return pa.ec == std::errc() && pa.ptr == header.data() + header.size() && pb.ec == std::errc() &&
         pb.ptr == body.data() + body.size() && a == b;
}

}  // namespace

std::optional<Refusal> check_param_headers(const gateway::Catalog& catalog,
                                           const gateway::Scope& scope,
                                           const jsonrpc::Message& request,
                                           const ParamHeaders& received) {
  if (request.method != protocol::method::kToolsCall || !request.params.is_object())
    return std::nullopt;
  const auto& params = request.params.get_object();
  const auto* name = params.if_contains("name");
  if (!name || !name->is_string()) return std::nullopt;
  const gateway::CatalogItem* tool = gateway::find_tool(catalog, name->get_string(), scope);
  if (!tool) return std::nullopt;  // the call answers that
  const auto* schema = tool->definition.if_contains("inputSchema");
  if (!schema) return std::nullopt;
  static const boost::json::value kNoArguments = boost::json::object{};
  const auto* args = params.if_contains("arguments");
  for (const auto& hp : protocol::header_params(*schema)) {
    const std::optional<std::string> body =
        protocol::header_param_text(args ? *args : kNoArguments, hp.path);
    const std::string* header = find_header(received, hp.header);
    if (!header) {
      if (body) return mismatch("the " + hp.header + " header is required for this call");
      continue;
    }
    const std::optional<std::string> decoded = protocol::decode_header_value(*header);
    if (!decoded) return mismatch("the " + hp.header + " header value is malformed");
    if (!body)
      return mismatch(hp.header + " header value '" + *decoded +
                      "' has no value in the body to match");
    if (!same(*decoded, *body))
      return mismatch(hp.header + " header value '" + *decoded + "' does not match body value '" +
                      *body + "'");
  }
  return std::nullopt;
}

}  // namespace mcpgw::mcp
