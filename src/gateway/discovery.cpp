#include "gateway/discovery.h"

#include <boost/json.hpp>

#include "common/json_parse.h"
#include "protocol/names.h"
#include "store/discovery_writer.h"

namespace mcpgw::gateway {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

constexpr std::size_t kMaxPages = 1000;

std::string str(const json::object& o, const char* k) {
  auto it = o.find(k);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

// The store's records of one discovery under the gateway's slug: names and URIs federated,
// everything else as the upstream gave it. Items without a name (or URI) are left out.
store::Discovery describe(const std::string& slug, const std::string& separator,
                          const Offerings& l) {
  store::Discovery d;
  auto json_or = [](const json::value* v, const char* fallback) {
    return v ? json::serialize(*v) : std::string(fallback);
  };
  for (const auto& v : l.tools) {
    if (!v.is_object() || str(v.get_object(), "name").empty()) continue;
    const auto& t = v.get_object();
    auto& rec = d.tools.emplace_back();
    rec.original_name = str(t, "name");
    rec.name = federated_name(slug, separator, rec.original_name);
    rec.description = str(t, "description");
    rec.input_schema = json_or(t.if_contains("inputSchema"), R"({"type":"object"})");
    if (auto out = t.if_contains("outputSchema")) rec.output_schema = json::serialize(*out);
    auto ann = t.if_contains("annotations");
    rec.annotations = ann && ann->is_object() ? json::serialize(*ann) : std::string("{}");
    rec.definition = json::serialize(t);
  }
  for (const bool is_template : {false, true}) {
    const char* uri_field = is_template ? "uriTemplate" : "uri";
    for (const auto& v : is_template ? l.resource_templates : l.resources) {
      if (!v.is_object() || str(v.get_object(), uri_field).empty()) continue;
      const auto& r = v.get_object();
      auto& rec = d.resources.emplace_back();
      rec.original_uri = str(r, uri_field);
      rec.uri = federated_uri(slug, rec.original_uri);
      rec.name = str(r, "name");
      rec.description = str(r, "description");
      if (auto mime = r.if_contains("mimeType"); mime && mime->is_string())
        rec.mime_type = std::string(mime->get_string());
      rec.is_template = is_template;
      rec.definition = json::serialize(r);
    }
  }
  for (const auto& v : l.prompts) {
    if (!v.is_object() || str(v.get_object(), "name").empty()) continue;
    const auto& p = v.get_object();
    auto& rec = d.prompts.emplace_back();
    rec.original_name = str(p, "name");
    rec.name = federated_name(slug, separator, rec.original_name);
    rec.description = str(p, "description");
    auto args = p.if_contains("arguments");
    rec.arguments = args && args->is_array() ? json::serialize(*args) : std::string("[]");
    rec.definition = json::serialize(p);
  }
  d.capabilities = json::serialize(l.capabilities);
  d.server_info = json::serialize(l.server_info);
  d.protocol_version = l.protocol_version;
  return d;
}

}  // namespace

DiscoveryReport store_discovery(store::DiscoveryWriter& writer, const std::string& gateway_id,
                                const std::string& separator, const Offerings& offered) {
  DiscoveryReport report;
  auto stored = writer.store_discovery(
      gateway_id, [&](const std::string& slug) { return describe(slug, separator, offered); });
  if (!stored.gateway_found) {
    report.failure = "the gateway was deleted meanwhile";
    return report;
  }
  report.tools = stored.tools;
  report.resources = stored.resources;
  report.resource_templates = stored.resource_templates;
  report.prompts = stored.prompts;
  report.skipped = std::move(stored.skipped);
  return report;
}

awaitable<std::string> list_offerings(UpstreamSession& s, Offerings& out) {
  out.capabilities = s.server_capabilities();
  const json::object& caps = out.capabilities;
  struct List {
    const char* capability;
    std::string_view method;
    const char* field;
    json::array* into;
  };
  const List lists[] = {
      {"tools", protocol::method::kToolsList, "tools", &out.tools},
      {"resources", protocol::method::kResourcesList, "resources", &out.resources},
      {"resources", protocol::method::kResourceTemplatesList, "resourceTemplates",
       &out.resource_templates},
      {"prompts", protocol::method::kPromptsList, "prompts", &out.prompts}};
  for (const auto& l : lists) {
    if (!caps.contains(l.capability)) continue;
    std::string cursor;
    for (std::size_t page = 0; page < kMaxPages; ++page) {
      std::string params;
      if (!cursor.empty()) params = json::serialize(json::object{{"cursor", cursor}});
      UpstreamResult r = co_await s.request(l.method, std::move(params), nullptr);
      if (!r.ok()) {
        co_return std::string(l.method) + ": " + (r.error ? r.error->message : r.failure->text());
      }
      boost::system::error_code ec;
      json::value v = parse_json(r.result, ec);
      const json::object* o = !ec && v.is_object() ? &v.get_object() : nullptr;
      const json::value* items = o ? o->if_contains(l.field) : nullptr;
      if (!items || !items->is_array()) {
        co_return std::string(l.method) + ": the result has no " + l.field + " array";
      }
      for (const auto& item : items->get_array())
        l.into->push_back(item);
      cursor = str(*o, "nextCursor");
      if (cursor.empty()) break;
    }
  }
  out.server_info = s.server_info();
  out.protocol_version = s.protocol_version();
  co_return std::string();
}

}  // namespace mcpgw::gateway
