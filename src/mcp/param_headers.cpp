#include "mcp/param_headers.h"

#include <boost/beast/core/string.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <cstdint>

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
    if (boost::beast::iequals(k, name)) return &v;
  return nullptr;
}

const boost::json::value* at_path(const boost::json::value& args,
                                  const std::vector<std::string>& path) {
  const boost::json::value* v = &args;
  for (const auto& key : path) {
    if (!v->is_object()) return nullptr;
    v = v->get_object().if_contains(key);
    if (!v) return nullptr;
  }
  return v;
}

// A header against the body's value: numbers compare as numbers ("42.0" and 42 are equal;
// integers exactly), everything else as text.
bool same(const std::string& header, const std::string& text, const boost::json::value& body) {
  if (header == text) return true;
  if (body.is_int64() || body.is_uint64()) {
    std::string_view h = header;
    if (auto dot = h.find('.'); dot != std::string_view::npos) {
      if (h.find_first_not_of('0', dot + 1) != std::string_view::npos || dot + 1 == h.size())
        return false;  // a fraction that is not .0
      h = h.substr(0, dot);
    }
    if (body.is_int64()) {
      std::int64_t n = 0;
      const auto p = std::from_chars(h.data(), h.data() + h.size(), n);
      return p.ec == std::errc() && p.ptr == h.data() + h.size() && n == body.get_int64();
    }
    std::uint64_t n = 0;
    const auto p = std::from_chars(h.data(), h.data() + h.size(), n);
    return p.ec == std::errc() && p.ptr == h.data() + h.size() && n == body.get_uint64();
  }
  if (body.is_double()) {
    double d = 0;
    const auto p = std::from_chars(header.data(), header.data() + header.size(), d);
    return p.ec == std::errc() && p.ptr == header.data() + header.size() && d == body.get_double();
  }
  return false;
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
    if (!same(*decoded, *body, *at_path(args ? *args : kNoArguments, hp.path)))
      return mismatch(hp.header + " header value '" + *decoded + "' does not match body value '" +
                      *body + "'");
  }
  return std::nullopt;
}

}  // namespace mcpgw::mcp
