#include "gateway/catalog.h"

#include <algorithm>
#include <boost/json.hpp>

#include <spdlog/spdlog.h>

#include "common/crypto.h"
#include "common/json_parse.h"
#include "gateway/rest_tool.h"
#include "gateway/upstream_session.h"
#include "store/catalog_reader.h"

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
  auto v = parse_json(text, ec);
  return ec ? fallback : v;
}

}  // namespace

namespace {
// A server that shows original names has its own lists.
const std::vector<CatalogItem>* own_list(const Catalog& c, ItemKind k, const Scope& scope) {
  if (!scope.server) return nullptr;
  auto it = c.servers.find(*scope.server);
  if (it == c.servers.end() || !it->second.original_names) return nullptr;
  const VirtualServer& s = it->second;
  switch (k) {
    case ItemKind::tool:
      return &s.tools;
    case ItemKind::prompt:
      return &s.prompts;
    case ItemKind::resource:
      return &s.resources;
    case ItemKind::resource_template:
      return &s.resource_templates;
  }
  return nullptr;
}

const CatalogItem* by_key(const std::vector<CatalogItem>& v, std::string_view key) {
  auto it = std::lower_bound(v.begin(), v.end(), key,
                             [](const CatalogItem& i, std::string_view n) { return i.key < n; });
  return it == v.end() || it->key != key ? nullptr : &*it;
}

void sort_and_serialize(std::vector<CatalogItem>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  for (auto& item : v) {
    item.json = json::serialize(item.definition);
    if (item.catalog_key.empty()) item.catalog_key = item.key;
  }
}

PolicyList policy_list(ItemKind k) {
  switch (k) {
    case ItemKind::tool:
      return PolicyList::tools;
    case ItemKind::prompt:
      return PolicyList::prompts;
    case ItemKind::resource:
    case ItemKind::resource_template:
      break;
  }
  return PolicyList::resources;
}

// The catalog's policies that apply to the scope's caller, in deciding order.
std::vector<const Policy*> caller_policies(const Catalog& c, const Scope& scope) {
  std::vector<const Policy*> out;
  for (const auto& p : c.policies)
    if (p.applies_to(scope.caller)) out.push_back(&p);
  return out;
}

// The first of the caller's rules that covers the item decides; none: allowed.
bool permitted(const Catalog& c, const std::vector<const Policy*>& rules, ItemKind k,
               const CatalogItem& item) {
  const PolicyList list = policy_list(k);
  for (const Policy* p : rules) {
    if (!p->covers(list, item.catalog_key)) continue;
    if (p->server_id) {
      auto s = c.servers.find(*p->server_id);
      if (s == c.servers.end() || !s->second.items.count(item.id)) continue;
    }
    return p->allow;
  }
  return true;
}

// The server's items of one kind, each under its upstream name (or URI) when no other item of
// the server would have the same one, else under its federated name. field: the definition's
// member that holds the name ("name", "uri" or "uriTemplate").
std::vector<CatalogItem> renamed(const std::vector<CatalogItem>& all, const VirtualServer& s,
                                 const char* field) {
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
    i.definition[field] = o;
  }
  sort_and_serialize(out);
  return out;
}
}  // namespace

bool shows_original_names(const Catalog& c, const Scope& scope) {
  if (!scope.server) return false;
  auto it = c.servers.find(*scope.server);
  return it != c.servers.end() && it->second.original_names;
}

std::vector<const CatalogItem*> visible(const Catalog& c, ItemKind k, const Scope& scope) {
  std::vector<const CatalogItem*> out;
  const auto rules = caller_policies(c, scope);
  auto add = [&](const CatalogItem& item) {
    if (rules.empty() || permitted(c, rules, k, item)) out.push_back(&item);
  };
  if (const auto* own = own_list(c, k, scope)) {
    for (const auto& item : *own)
      add(item);
    return out;
  }
  for (const auto& item : c.items(k))
    if (in_scope(c, item, scope)) add(item);
  return out;
}

const CatalogItem* find_item(const Catalog& c, ItemKind k, std::string_view key,
                             const Scope& scope) {
  const auto* own = own_list(c, k, scope);
  const CatalogItem* item = own ? by_key(*own, key) : by_key(c.items(k), key);
  if (!item || (!own && !in_scope(c, *item, scope))) return nullptr;
  if (c.policies.empty()) return item;
  return permitted(c, caller_policies(c, scope), k, *item) ? item : nullptr;
}

bool same_view(const Catalog& c, const Scope& a, const Scope& b) {
  if (!c.policies.empty()) return a == b;
  return a.server == b.server && a.token_servers == b.token_servers;
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
  order_policies(c.policies);
  for (auto& [id, s] : c.servers) {
    if (!s.original_names) continue;
    s.tools = renamed(c.tools, s, "name");
    s.prompts = renamed(c.prompts, s, "name");
    s.resources = renamed(c.resources, s, "uri");
    s.resource_templates = renamed(c.resource_templates, s, "uriTemplate");
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

using Headers = std::vector<std::pair<std::string, std::string>>;

// The headers sealed credentials stand for; nullopt when they do not open.
std::optional<Headers> open_credentials(const std::string& key,
                                        const std::optional<std::string>& sealed) {
  if (!sealed) return Headers{};
  auto opened = crypto::open(key, *sealed);
  auto creds = opened ? parse_or(*opened, nullptr) : json::value(nullptr);
  if (!creds.is_object()) return std::nullopt;
  return credential_headers(creds.get_object());
}

Headers string_headers(const std::string& text) {
  Headers out;
  if (auto h = parse_or(text, json::object{}); h.is_object())
    for (const auto& kv : h.get_object())
      if (kv.value().is_string())
        out.emplace_back(std::string(kv.key()), std::string(kv.value().get_string()));
  return out;
}

// An upstream item's definition: the upstream's own object when it is stored, else `fallback`.
json::object upstream_definition(const std::optional<std::string>& stored, json::object fallback) {
  if (!stored) return fallback;
  auto v = parse_or(*stored, nullptr);
  return v.is_object() ? std::move(v.get_object()) : fallback;
}

void add_gateways(Catalog& c, const std::vector<store::GatewayRow>& rows, const std::string& key) {
  for (const auto& g : rows) {
    auto e = std::make_shared<UpstreamEndpoint>();
    e->gateway_id = g.id;
    e->name = g.name;
    e->slug = g.slug;
    e->url = g.url;
    e->headers = string_headers(g.headers);
    auto creds = open_credentials(key, g.sealed_credentials);
    if (!creds) {
      spdlog::error(
          "gateway {}: its credentials do not open with this credentials key; its items are "
          "left out",
          e->name);
      continue;
    }
    for (auto& h : *creds)
      e->headers.push_back(std::move(h));
    e->timeout = std::chrono::milliseconds(g.timeout_ms);
    e->fingerprint = std::to_string(g.updated_at) + "/" + e->url;
    e->protocol_version = g.protocol_version;
    e->metrics = UpstreamMetrics::make(e->name);
    c.gateways[e->gateway_id] = std::move(e);
  }
}

// The binding of an upstream item; null when its gateway is disabled or unusable.
std::shared_ptr<const UpstreamBinding> upstream_binding(
    const Catalog& c, const std::optional<std::string>& gateway_id, std::string original,
    const json::value* input_schema = nullptr) {
  auto it = c.gateways.find(gateway_id.value_or(""));
  if (it == c.gateways.end()) return nullptr;
  UpstreamBinding b{it->second, std::move(original)};
  if (input_schema) b.header_params = protocol::header_params(*input_schema);
  return std::make_shared<const UpstreamBinding>(std::move(b));
}

// A REST tool's definition and binding; a null binding when its credentials do not open.
std::shared_ptr<const RestBinding> rest_tool(const store::ToolRow& t, const std::string& key,
                                             json::object& def) {
  def["name"] = t.name;
  if (!t.description.empty()) def["description"] = t.description;
  def["inputSchema"] = parse_or(t.input_schema, json::object{{"type", "object"}});
  if (t.output_schema) def["outputSchema"] = parse_or(*t.output_schema, nullptr);
  if (auto a = parse_or(t.annotations, json::object{}); a.is_object() && !a.get_object().empty())
    def["annotations"] = a;
  auto b = std::make_shared<RestBinding>();
  b->method = t.request_type.value_or("POST");
  b->url_template = t.url;
  b->headers = string_headers(t.headers);
  b->timeout = std::chrono::milliseconds(t.timeout_ms);
  b->has_output_schema = t.output_schema.has_value();
  auto creds = open_credentials(key, t.sealed_credentials);
  if (!creds) {
    spdlog::error(
        "tool {}: its credentials do not open with this credentials key; the tool is left out",
        t.name);
    return nullptr;
  }
  for (auto& h : *creds)
    b->headers.push_back(std::move(h));
  return b;
}

void add_tools(Catalog& c, const std::vector<store::ToolRow>& rows, const std::string& key) {
  for (const auto& t : rows) {
    std::shared_ptr<const RestBinding> rest;
    std::shared_ptr<const UpstreamBinding> upstream;
    json::object def;
    if (t.integration_type == "MCP") {
      // The upstream's definition as it gave it (schemas, annotations, _meta), renamed.
      def = upstream_definition(t.definition, json::object{});
      def["name"] = t.name;
      upstream = upstream_binding(c, t.gateway_id, t.original_name, def.if_contains("inputSchema"));
      if (!upstream) continue;
    } else {
      rest = rest_tool(t, key, def);
      if (!rest) continue;
    }
    c.tools.push_back({t.id, t.name, std::move(def), {}, std::move(rest), std::move(upstream)});
  }
}

void add_resources(Catalog& c, const std::vector<store::ResourceRow>& rows) {
  for (const auto& r : rows) {
    const char* uri_field = r.is_template ? "uriTemplate" : "uri";
    std::shared_ptr<const UpstreamBinding> upstream;
    json::object def;
    if (r.gateway_id) {
      upstream = upstream_binding(c, r.gateway_id, r.original_uri);
      if (!upstream) continue;
      def = upstream_definition(r.definition, json::object{});
      def[uri_field] = r.uri;
    } else {
      def[uri_field] = r.uri;
      def["name"] = r.name;
      if (!r.description.empty()) def["description"] = r.description;
      if (r.mime_type) def["mimeType"] = *r.mime_type;
    }
    (r.is_template ? c.resource_templates : c.resources)
        .push_back({r.id, r.uri, std::move(def), {}, nullptr, std::move(upstream)});
  }
}

void add_prompts(Catalog& c, const std::vector<store::PromptRow>& rows) {
  for (const auto& p : rows) {
    std::shared_ptr<const UpstreamBinding> upstream;
    json::object def;
    if (p.gateway_id) {
      upstream = upstream_binding(c, p.gateway_id, p.original_name);
      if (!upstream) continue;
      def = upstream_definition(p.definition, json::object{});
      def["name"] = p.name;
    } else {
      def["name"] = p.name;
      if (!p.description.empty()) def["description"] = p.description;
      if (auto a = parse_or(p.arguments, json::array{}); a.is_array() && !a.get_array().empty())
        def["arguments"] = a;
    }
    c.prompts.push_back({p.id, p.name, std::move(def), {}, nullptr, std::move(upstream)});
  }
}

void add_servers(Catalog& c, const store::CatalogRows& rows) {
  for (const auto& row : rows.servers) {
    VirtualServer& s = c.servers[row.id];
    s.id = row.id;
    s.name = row.name;
    s.original_names = row.expose_original_names;
  }
  for (const auto& [server_id, item_id] : rows.memberships)
    if (auto it = c.servers.find(server_id); it != c.servers.end())
      it->second.items.insert(item_id);
}

}  // namespace

// A rule that does not read (never written by the admin API, which validates it) is left out
// and logged.
void add_policies(Catalog& c, const std::vector<store::PolicyRow>& rows) {
  for (const auto& r : rows) {
    boost::system::error_code ec;
    json::value rule = parse_json(r.rule, ec);
    PolicyError why;
    std::optional<Policy> p;
    if (!ec && rule.is_object()) p = policy_rule_from_json(rule.get_object(), why);
    if (!p) {
      spdlog::error("policy {} ({}): its rule does not read ({} {}); left out", r.name, r.id,
                    why.field, why.message);
      continue;
    }
    p->id = r.id;
    p->name = r.name;
    p->priority = r.priority;
    c.policies.push_back(std::move(*p));
  }
}

Catalog load_catalog(store::CatalogReader& store, const std::string& credentials_key) {
  const store::CatalogRows rows = store.read_catalog();
  Catalog c;
  add_gateways(c, rows.gateways, credentials_key);
  add_tools(c, rows.tools, credentials_key);
  add_resources(c, rows.resources);
  add_prompts(c, rows.prompts);
  add_servers(c, rows);
  add_policies(c, rows.policies);
  c.epoch = rows.epoch;
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
