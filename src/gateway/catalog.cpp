#include "gateway/catalog.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <boost/json.hpp>

#include <spdlog/spdlog.h>

#include "common/crypto.h"
#include "gateway/rest_tool.h"
#include "gateway/upstream_session.h"
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

namespace {
// A server that shows original names has its own tool and prompt lists.
const std::vector<CatalogItem>* own_list(const Catalog& c, ItemKind k, const Scope& scope) {
  if (!scope.server || (k != ItemKind::tool && k != ItemKind::prompt)) return nullptr;
  auto it = c.servers.find(*scope.server);
  if (it == c.servers.end() || !it->second.original_names) return nullptr;
  return k == ItemKind::tool ? &it->second.tools : &it->second.prompts;
}

const CatalogItem* by_key(const std::vector<CatalogItem>& v, std::string_view key) {
  auto it = std::lower_bound(v.begin(), v.end(), key,
                             [](const CatalogItem& i, std::string_view n) { return i.key < n; });
  return it == v.end() || it->key != key ? nullptr : &*it;
}

void sort_and_serialize(std::vector<CatalogItem>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  for (auto& item : v)
    item.json = json::serialize(item.definition);
}

// The server's tools or prompts, each under its upstream name when no other item of the server
// would have the same name, else under its federated name.
std::vector<CatalogItem> renamed(const std::vector<CatalogItem>& all, const VirtualServer& s) {
  std::vector<CatalogItem> out;
  std::map<std::string, int> count;
  auto original = [](const CatalogItem& i) { return i.upstream ? i.upstream->original : i.key; };
  for (const auto& i : all)
    if (s.items.count(i.id)) {
      out.push_back(i);
      ++count[original(i)];
    }
  for (auto& i : out) {
    const std::string o = original(i);
    if (count[o] != 1 || o == i.key) continue;
    i.key = o;
    i.definition["name"] = o;
  }
  sort_and_serialize(out);
  return out;
}
}  // namespace

std::vector<const CatalogItem*> visible(const Catalog& c, ItemKind k, const Scope& scope) {
  std::vector<const CatalogItem*> out;
  if (const auto* own = own_list(c, k, scope)) {
    for (const auto& item : *own)
      out.push_back(&item);
    return out;
  }
  for (const auto& item : c.items(k))
    if (in_scope(c, item, scope)) out.push_back(&item);
  return out;
}

const CatalogItem* find_item(const Catalog& c, ItemKind k, std::string_view key,
                             const Scope& scope) {
  if (const auto* own = own_list(c, k, scope)) return by_key(*own, key);
  const CatalogItem* item = by_key(c.items(k), key);
  return item && in_scope(c, *item, scope) ? item : nullptr;
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
  for (auto* v : {&c.tools, &c.resources, &c.resource_templates, &c.prompts})
    sort_and_serialize(*v);
  for (auto& [id, s] : c.servers) {
    if (!s.original_names) continue;
    s.tools = renamed(c.tools, s);
    s.prompts = renamed(c.prompts, s);
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

namespace {

// The headers a sealed credentials blob stands for; nullopt when it does not open.
std::optional<std::vector<std::pair<std::string, std::string>>> open_credentials(
    const std::string& key, const SQLite::Column& sealed) {
  if (sealed.isNull()) return std::vector<std::pair<std::string, std::string>>{};
  auto opened = crypto::open(key, sealed.getString());
  auto creds = opened ? parse_or(*opened, nullptr) : json::value(nullptr);
  if (!creds.is_object()) return std::nullopt;
  return credential_headers(creds.get_object());
}

std::vector<std::pair<std::string, std::string>> string_headers(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (auto h = parse_or(text, json::object{}); h.is_object())
    for (const auto& kv : h.get_object())
      if (kv.value().is_string())
        out.emplace_back(std::string(kv.key()), std::string(kv.value().get_string()));
  return out;
}

// An upstream item's definition: the upstream's own object when it is stored, else `fallback`.
json::object upstream_definition(const SQLite::Column& stored, json::object fallback) {
  if (stored.isNull()) return fallback;
  auto v = parse_or(stored.getString(), nullptr);
  return v.is_object() ? std::move(v.get_object()) : fallback;
}

}  // namespace

Catalog load_catalog(store::ConnectionPool& pool, const std::string& credentials_key) {
  Catalog c;
  auto db = pool.acquire();
  {
    auto& q = db.prepare(
        "SELECT id, name, url, headers, auth_secret, timeout_ms, updated_at, slug FROM gateways "
        "WHERE enabled = 1");
    while (q.executeStep()) {
      auto e = std::make_shared<UpstreamEndpoint>();
      e->gateway_id = q.getColumn(0).getString();
      e->name = q.getColumn(1).getString();
      e->slug = q.getColumn(7).getString();
      e->url = q.getColumn(2).getString();
      e->headers = string_headers(q.getColumn(3).getString());
      auto creds = open_credentials(credentials_key, q.getColumn(4));
      if (!creds) {
        spdlog::error(
            "gateway {}: its credentials do not open with this credentials key; its items are "
            "left out",
            e->name);
        continue;
      }
      for (auto& h : *creds)
        e->headers.push_back(std::move(h));
      e->timeout = std::chrono::milliseconds(q.getColumn(5).getInt64());
      e->fingerprint = std::to_string(q.getColumn(6).getInt64()) + "/" + e->url;
      c.gateways[e->gateway_id] = std::move(e);
    }
    q.reset();
  }
  // The binding of an upstream item; null when its gateway is disabled or unusable.
  auto bind = [&c](const SQLite::Column& gateway_id,
                   std::string original) -> std::shared_ptr<const UpstreamBinding> {
    auto it = c.gateways.find(gateway_id.getString());
    if (it == c.gateways.end()) return nullptr;
    return std::make_shared<const UpstreamBinding>(
        UpstreamBinding{it->second, std::move(original)});
  };
  {
    auto& q = db.prepare(
        "SELECT id, name, description, input_schema, output_schema, annotations, "
        "integration_type, request_type, url, headers, timeout_ms, auth_secret, definition, "
        "gateway_id, original_name FROM tools WHERE enabled = 1");
    while (q.executeStep()) {
      const std::string name = q.getColumn(1).getString();
      std::shared_ptr<const RestBinding> rest;
      std::shared_ptr<const UpstreamBinding> upstream;
      json::object def;
      if (q.getColumn(6).getString() == "MCP") {
        upstream = bind(q.getColumn(13), q.getColumn(14).getString());
        if (!upstream) continue;
        // The upstream's definition as it gave it (schemas, annotations, _meta), renamed.
        def = upstream_definition(q.getColumn(12), json::object{});
        def["name"] = name;
      } else {
        def["name"] = name;
        if (auto d = q.getColumn(2).getString(); !d.empty()) def["description"] = d;
        def["inputSchema"] = parse_or(q.getColumn(3).getString(), json::object{{"type", "object"}});
        if (!q.getColumn(4).isNull())
          def["outputSchema"] = parse_or(q.getColumn(4).getString(), nullptr);
        if (auto a = parse_or(q.getColumn(5).getString(), json::object{});
            a.is_object() && !a.get_object().empty())
          def["annotations"] = a;
        auto b = std::make_shared<RestBinding>();
        b->method = q.getColumn(7).isNull() ? "POST" : q.getColumn(7).getString();
        b->url_template = q.getColumn(8).getString();
        b->headers = string_headers(q.getColumn(9).getString());
        b->timeout = std::chrono::milliseconds(q.getColumn(10).getInt64());
        b->has_output_schema = !q.getColumn(4).isNull();
        auto creds = open_credentials(credentials_key, q.getColumn(11));
        if (!creds) {
          spdlog::error(
              "tool {}: its credentials do not open with this credentials key; the tool is left "
              "out",
              name);
          continue;
        }
        for (auto& h : *creds)
          b->headers.push_back(std::move(h));
        rest = std::move(b);
      }
      c.tools.push_back({q.getColumn(0).getString(),
                         name,
                         std::move(def),
                         {},
                         std::move(rest),
                         std::move(upstream)});
    }
    q.reset();
  }
  {
    auto& q = db.prepare(
        "SELECT id, uri, name, description, mime_type, is_template, definition, gateway_id, "
        "original_uri FROM resources WHERE enabled = 1");
    while (q.executeStep()) {
      const bool is_template = q.getColumn(5).getInt() != 0;
      const char* uri_field = is_template ? "uriTemplate" : "uri";
      std::shared_ptr<const UpstreamBinding> upstream;
      json::object def;
      if (!q.getColumn(7).isNull()) {
        upstream = bind(q.getColumn(7), q.getColumn(8).getString());
        if (!upstream) continue;
        def = upstream_definition(q.getColumn(6), json::object{});
        def[uri_field] = q.getColumn(1).getString();
      } else {
        def[uri_field] = q.getColumn(1).getString();
        def["name"] = q.getColumn(2).getString();
        if (auto d = q.getColumn(3).getString(); !d.empty()) def["description"] = d;
        if (!q.getColumn(4).isNull()) def["mimeType"] = q.getColumn(4).getString();
      }
      (is_template ? c.resource_templates : c.resources)
          .push_back({q.getColumn(0).getString(),
                      q.getColumn(1).getString(),
                      std::move(def),
                      {},
                      nullptr,
                      std::move(upstream)});
    }
    q.reset();
  }
  {
    auto& q = db.prepare(
        "SELECT id, name, description, arguments, definition, gateway_id, original_name FROM "
        "prompts WHERE enabled = 1");
    while (q.executeStep()) {
      const std::string name = q.getColumn(1).getString();
      std::shared_ptr<const UpstreamBinding> upstream;
      json::object def;
      if (!q.getColumn(5).isNull()) {
        upstream = bind(q.getColumn(5), q.getColumn(6).getString());
        if (!upstream) continue;
        def = upstream_definition(q.getColumn(4), json::object{});
        def["name"] = name;
      } else {
        def["name"] = name;
        if (auto d = q.getColumn(2).getString(); !d.empty()) def["description"] = d;
        if (auto a = parse_or(q.getColumn(3).getString(), json::array{});
            a.is_array() && !a.get_array().empty())
          def["arguments"] = a;
      }
      c.prompts.push_back(
          {q.getColumn(0).getString(), name, std::move(def), {}, nullptr, std::move(upstream)});
    }
    q.reset();
  }
  {
    auto& q = db.prepare("SELECT id, name, expose_original_names FROM servers");
    while (q.executeStep()) {
      VirtualServer& s = c.servers[q.getColumn(0).getString()];
      s.id = q.getColumn(0).getString();
      s.name = q.getColumn(1).getString();
      s.original_names = q.getColumn(2).getInt() != 0;
    }
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
