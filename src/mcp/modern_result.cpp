#include "mcp/modern_result.h"

#include <boost/json.hpp>

#include "protocol/errors.h"
#include "protocol/names.h"
#include "protocol/raw.h"

namespace mcpgw::mcp {
namespace {

namespace method = protocol::method;
constexpr std::string_view kComplete = "complete";
constexpr std::string_view kPrivate = "private";

json::object server_info(const ServerIdentity& id) {
  return {{"name", id.name}, {"version", id.version}};
}

void complete_value(json::object& r, std::string_view method, const ServerIdentity& id) {
  if (!r.contains("resultType")) r["resultType"] = kComplete;
  const auto* type = r.if_contains("resultType");
  if (is_cacheable(method) && type->is_string() && type->get_string() == kComplete) {
    if (!r.contains("ttlMs")) r["ttlMs"] = id.cache_ttl.count();
    r["cacheScope"] = kPrivate;
  }
  json::value& meta = r["_meta"];
  if (meta.is_null()) meta.emplace_object();
  if (meta.is_object() && !meta.get_object().contains(protocol::meta::kServerInfo))
    meta.get_object()[protocol::meta::kServerInfo] = server_info(id);
}

// The same on a result that is serialized: members in front, the rest untouched. A cacheScope
// it has already is left (only a modern upstream sets one; its resources/read is then its own).
void complete_text(std::string& raw, std::string_view method, const ServerIdentity& id) {
  using jsonrpc::raw_member;
  std::string members;
  const auto add = [&members](std::string_view name, const json::value& v) {
    if (!members.empty()) members += ',';
    members += json::serialize(json::string(name));
    members += ':';
    members += json::serialize(v);
  };
  const auto type = raw_member(raw, "resultType");
  if (!type) add("resultType", json::string(kComplete));
  const bool complete = !type || *type == "\"complete\"";
  if (is_cacheable(method) && complete) {
    if (!raw_member(raw, "ttlMs")) add("ttlMs", id.cache_ttl.count());
    if (!raw_member(raw, "cacheScope")) add("cacheScope", json::string(kPrivate));
  }
  const auto meta = raw_member(raw, "_meta");
  if (!meta) add("_meta", json::object{{protocol::meta::kServerInfo, server_info(id)}});
  if (!members.empty())
    if (auto done = jsonrpc::insert_members(raw, members)) raw = std::move(*done);
  if (meta && !raw_member(*raw_member(raw, "_meta"), protocol::meta::kServerInfo)) {
    std::string info = json::serialize(json::string(protocol::meta::kServerInfo)) + ":" +
                       json::serialize(server_info(id));
    if (auto done = jsonrpc::insert_members(raw, info, "_meta")) raw = std::move(*done);
  }
}

}  // namespace

bool is_cacheable(std::string_view m) {
  return m == method::kServerDiscover || m == method::kToolsList || m == method::kPromptsList ||
         m == method::kResourcesList || m == method::kResourceTemplatesList ||
         m == method::kResourcesRead;
}

void complete_modern(Outcome& out, std::string_view method, const ServerIdentity& id) {
  if (out.error) {
    if (out.error->code == protocol::error::kResourceNotFound)
      out.error->code = jsonrpc::kInvalidParams;
    return;
  }
  if (!out.raw.empty()) {
    complete_text(out.raw, method, id);
    return;
  }
  if (out.result.is_null()) out.result.emplace_object();
  if (out.result.is_object()) complete_value(out.result.get_object(), method, id);
}

}  // namespace mcpgw::mcp
