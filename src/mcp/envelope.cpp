#include "mcp/envelope.h"

#include <boost/json.hpp>

#include "protocol/errors.h"
#include "protocol/log_levels.h"
#include "protocol/names.h"
#include "protocol/versions.h"

namespace mcpgw::mcp {
namespace {

constexpr unsigned kBadRequest = 400;

const json::object* meta_of(const json::value& params) {
  if (!params.is_object()) return nullptr;
  const auto* meta = params.get_object().if_contains("_meta");
  return meta && meta->is_object() ? &meta->get_object() : nullptr;
}

Refusal invalid(std::string message) {
  return {kBadRequest, {jsonrpc::kInvalidParams, "Invalid params: " + message, std::nullopt}};
}

}  // namespace

bool has_envelope(const json::value& params) {
  const auto* meta = meta_of(params);
  return meta && meta->contains(protocol::meta::kProtocolVersion);
}

std::variant<Envelope, Refusal> read_envelope(const json::value& params,
                                              std::optional<std::string_view> header_version) {
  namespace key = protocol::meta;
  const json::object* meta = meta_of(params);
  const json::value* version = meta ? meta->if_contains(key::kProtocolVersion) : nullptr;
  if (!version || !version->is_string())
    return invalid("_meta[\"" + std::string(key::kProtocolVersion) + "\"] must be a string");
  const std::string_view requested = version->get_string();
  if (!header_version || *header_version != requested) {
    const std::string header(protocol::header::kProtocolVersion);
    std::string message = header_version
                              ? "Header mismatch: " + header + " header value '" +
                                    std::string(*header_version) + "' does not match body value '" +
                                    std::string(requested) + "'"
                              : "Header mismatch: the " + header + " header is required";
    return Refusal{kBadRequest,
                   {protocol::error::kHeaderMismatch, std::move(message), std::nullopt}};
  }
  if (!protocol::is_modern_version(requested)) {
    json::array supported;
    for (auto v : protocol::kAllVersions)
      supported.emplace_back(v);
    return Refusal{kBadRequest,
                   {protocol::error::kUnsupportedProtocolVersion, "Unsupported protocol version",
                    json::object{{"supported", std::move(supported)}, {"requested", requested}}}};
  }
  Envelope e;
  e.protocol_version = std::string(requested);
  const json::value* caps = meta->if_contains(key::kClientCapabilities);
  if (!caps || !caps->is_object())
    return invalid("_meta[\"" + std::string(key::kClientCapabilities) + "\"] must be an object");
  e.client_capabilities = caps->get_object();
  if (const json::value* info = meta->if_contains(key::kClientInfo)) {
    if (!info->is_object())
      return invalid("_meta[\"" + std::string(key::kClientInfo) + "\"] must be an object");
    e.client_info = info->get_object();
  }
  if (const json::value* level = meta->if_contains(key::kLogLevel)) {
    if (!level->is_string() || protocol::log_level_rank(level->get_string()) < 0)
      return invalid("_meta[\"" + std::string(key::kLogLevel) +
                     "\"] must be one of debug, info, notice, warning, error, critical, alert, "
                     "emergency");
    e.log_level = std::string(level->get_string());
  }
  return e;
}

}  // namespace mcpgw::mcp
