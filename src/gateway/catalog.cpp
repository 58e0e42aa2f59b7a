#include "gateway/catalog.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <boost/json.hpp>

#include <spdlog/spdlog.h>

#include "common/crypto.h"
#include "gateway/rest_tool.h"
#include "store/database.h"

namespace mcpgw::gateway {
namespace json = boost::json;

const std::vector<CatalogItem>& Catalog::items(ItemKind k) const {
  switch (k) {
    case ItemKind::tool:
      return tools;
    case ItemKind::resource:
      return resources;
    case ItemKind::resource_template:
      return resource_templates;
    case ItemKind::prompt:
      return prompts;
  }
  return tools;
}

namespace {

bool in_scope(const Catalog& c, const CatalogItem& item, const Scope& scope) {
  auto held_by = [&](const std::string& server_id) {
    auto it = c.servers.find(server_id);
    return it != c.servers.end() && it->second.items.count(item.id) != 0;
  };
  if (scope.server) return held_by(*scope.server);
  if (scope.token_servers.empty()) return true;
  return std::any_of(scope.token_servers.begin(), scope.token_servers.end(), held_by);
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (unsigned char ch : s) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return h;
}

json::value parse_or(const std::string& text, json::value fallback) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  return ec ? fallback : v;
}

}  // namespace

std::vector<const CatalogItem*> visible(const Catalog& c, ItemKind k, const Scope& scope) {
  std::vector<const CatalogItem*> out;
  for (const auto& item : c.items(k))
    if (in_scope(c, item, scope)) out.push_back(&item);
  return out;
}

const CatalogItem* find_tool(const Catalog& c, std::string_view name, const Scope& scope) {
  auto it = std::lower_bound(c.tools.begin(), c.tools.end(), name,
                             [](const CatalogItem& i, std::string_view n) { return i.key < n; });
  if (it == c.tools.end() || it->key != name || !in_scope(c, *it, scope)) return nullptr;
  return &*it;
}

std::uint64_t fingerprint(const Catalog& c, ItemKind k, const Scope& scope) {
  std::uint64_t h = 14695981039346656037ull;
  for (const auto* item : visible(c, k, scope)) {
    h = fnv1a(h, item->key);
    h = fnv1a(h, item->json);
  }
  return h;
}

void normalize(Catalog& c) {
  for (auto* v : {&c.tools, &c.resources, &c.resource_templates, &c.prompts}) {
    std::sort(v->begin(), v->end(), [](const auto& a, const auto& b) { return a.key < b.key; });
    for (auto& item : *v)
      item.json = json::serialize(item.definition);
  }
}

std::vector<std::pair<std::string, std::string>> credential_headers(const json::object& c) {
  std::vector<std::pair<std::string, std::string>> out;
  auto str = [&](const char* k) -> std::string {
    auto it = c.find(k);
    return it != c.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
  };
  const std::string type = str("type");
  if (type == "bearer") out.emplace_back("Authorization", "Bearer " + str("token"));
  if (type == "basic")
    out.emplace_back("Authorization",
                     "Basic " + crypto::base64(str("username") + ":" + str("password")));
  if (type == "headers")
    if (auto h = c.find("headers"); h != c.end() && h->value().is_object())
      for (const auto& kv : h->value().get_object())
        if (kv.value().is_string())
          out.emplace_back(std::string(kv.key()), std::string(kv.value().get_string()));
  return out;
}

Catalog load_catalog(store::ConnectionPool& pool, const std::string& credentials_key) {
  Catalog c;
  auto db = pool.acquire();
  {
    auto& q = db.prepare(
        "SELECT id, name, description, input_schema, output_schema, annotations, "
        "integration_type, request_type, url, headers, timeout_ms, auth_secret FROM tools "
        "WHERE enabled = 1");
    while (q.executeStep()) {
      json::object def{{"name", q.getColumn(1).getString()}};
      if (auto d = q.getColumn(2).getString(); !d.empty()) def["description"] = d;
      def["inputSchema"] = parse_or(q.getColumn(3).getString(), json::object{{"type", "object"}});
      if (!q.getColumn(4).isNull())
        def["outputSchema"] = parse_or(q.getColumn(4).getString(), nullptr);
      if (auto a = parse_or(q.getColumn(5).getString(), json::object{});
          a.is_object() && !a.get_object().empty())
        def["annotations"] = a;
      std::shared_ptr<const RestBinding> rest;
      if (q.getColumn(6).getString() == "REST") {
        auto b = std::make_shared<RestBinding>();
        b->method = q.getColumn(7).isNull() ? "POST" : q.getColumn(7).getString();
        b->url_template = q.getColumn(8).getString();
        if (auto h = parse_or(q.getColumn(9).getString(), json::object{}); h.is_object())
          for (const auto& kv : h.get_object())
            if (kv.value().is_string())
              b->headers.emplace_back(std::string(kv.key()), std::string(kv.value().get_string()));
        b->timeout = std::chrono::milliseconds(q.getColumn(10).getInt64());
        b->has_output_schema = !q.getColumn(4).isNull();
        if (!q.getColumn(11).isNull()) {
          const auto sealed = q.getColumn(11).getString();
          auto opened = crypto::open(credentials_key, sealed);
          auto creds = opened ? parse_or(*opened, nullptr) : json::value(nullptr);
          if (!creds.is_object()) {
            spdlog::error(
                "tool {}: its credentials do not open with this credentials key; the "
                "tool is left out",
                q.getColumn(1).getString());
            continue;
          }
          for (auto& h : credential_headers(creds.get_object()))
            b->headers.push_back(std::move(h));
        }
        rest = std::move(b);
      }
      c.tools.push_back({q.getColumn(0).getString(),
                         q.getColumn(1).getString(),
                         std::move(def),
                         {},
                         std::move(rest)});
    }
    q.reset();
  }
  {
    auto& q = db.prepare(
        "SELECT id, uri, name, description, mime_type, is_template FROM resources WHERE enabled = "
        "1");
    while (q.executeStep()) {
      const bool is_template = q.getColumn(5).getInt() != 0;
      json::object def;
      def[is_template ? "uriTemplate" : "uri"] = q.getColumn(1).getString();
      def["name"] = q.getColumn(2).getString();
      if (auto d = q.getColumn(3).getString(); !d.empty()) def["description"] = d;
      if (!q.getColumn(4).isNull()) def["mimeType"] = q.getColumn(4).getString();
      (is_template ? c.resource_templates : c.resources)
          .push_back({q.getColumn(0).getString(),
                      q.getColumn(1).getString(),
                      std::move(def),
                      {},
                      nullptr});
    }
    q.reset();
  }
  {
    auto& q = db.prepare("SELECT id, name, description, arguments FROM prompts WHERE enabled = 1");
    while (q.executeStep()) {
      json::object def{{"name", q.getColumn(1).getString()}};
      if (auto d = q.getColumn(2).getString(); !d.empty()) def["description"] = d;
      if (auto a = parse_or(q.getColumn(3).getString(), json::array{});
          a.is_array() && !a.get_array().empty())
        def["arguments"] = a;
      c.prompts.push_back(
          {q.getColumn(0).getString(), q.getColumn(1).getString(), std::move(def), {}, nullptr});
    }
    q.reset();
  }
  {
    auto& q = db.prepare("SELECT id, name FROM servers");
    while (q.executeStep())
      c.servers[q.getColumn(0).getString()] = {
          q.getColumn(0).getString(), q.getColumn(1).getString(), {}};
    q.reset();
    auto& a = db.prepare(
        "SELECT server_id, tool_id FROM server_tools UNION ALL "
        "SELECT server_id, resource_id FROM server_resources UNION ALL "
        "SELECT server_id, prompt_id FROM server_prompts");
    while (a.executeStep())
      if (auto it = c.servers.find(a.getColumn(0).getString()); it != c.servers.end())
        it->second.items.insert(a.getColumn(1).getString());
    a.reset();
  }
  return c;
}

CatalogService::CatalogService() : current_(std::make_shared<const Catalog>()) {}

void CatalogService::publish(Catalog next) {
  std::lock_guard lock(publish_mutex_);
  auto before = current_.load();
  next.version = before->version + 1;
  normalize(next);
  auto after = std::make_shared<const Catalog>(std::move(next));
  current_.store(after);
  for (const auto& l : listeners_)
    l(*before, *after);
}

void CatalogService::subscribe(Listener listener) {
  std::lock_guard lock(publish_mutex_);
  listeners_.push_back(std::move(listener));
}

}  // namespace mcpgw::gateway
