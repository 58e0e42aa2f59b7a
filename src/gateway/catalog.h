#pragma once
// The catalog: every tool, resource, resource template and prompt mcpgw serves, and which virtual
// server holds which. A Catalog is immutable; readers hold a shared_ptr to the snapshot they
// started with and never take a lock. CatalogService swaps in a new snapshot after each committed
// change and tells subscribers.
#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gateway/policy.h"
#include "protocol/header_params.h"

namespace mcpgw::store {
class CatalogReader;
}

namespace mcpgw::gateway {

struct RestBinding;
struct UpstreamEndpoint;

// An item that lives on an upstream MCP server: where, and what the upstream calls it.
struct UpstreamBinding {
  std::shared_ptr<const UpstreamEndpoint> endpoint;
  std::string original;  // tools and prompts: the upstream's name; resources: its URI
  // Tools: the parameters its inputSchema mirrors in Mcp-Param-* headers (a modern upstream
  // gets them on every call).
  std::vector<protocol::HeaderParam> header_params{};
};

// Where an item comes from, and so what serves it: mcpgw itself, a REST endpoint (tools), or an
// upstream MCP server.
enum class ItemSource { local, rest, upstream };  // upstream last: kItemSources counts from it
inline constexpr std::size_t kItemSources = static_cast<std::size_t>(ItemSource::upstream) + 1;

struct CatalogItem {
  std::string id;                  // database id
  std::string key;                 // what lists sort by and clients name it by: name, or uri
  boost::json::object definition;  // the item exactly as the list methods return it
  std::string json;                // definition, serialized once per snapshot (normalize())
  std::shared_ptr<const RestBinding> rest;          // REST tools: how to call it
  std::shared_ptr<const UpstreamBinding> upstream;  // items of upstream MCP servers
  // key as /mcp lists it (a server with original names lists some items under another key);
  // what policies match. Set by normalize().
  std::string catalog_key{};

  ItemSource source() const {
    return upstream ? ItemSource::upstream : rest ? ItemSource::rest : ItemSource::local;
  }
};

struct VirtualServer {
  std::string id;
  std::string name;
  std::set<std::string> items;  // ids of its tools, resources, templates and prompts
  // Tools and prompts keep their upstream names here, and resources and templates their
  // upstream URIs, where those are unique in the server.
  bool original_names = false;
  // With original_names: this server's own lists, renamed (normalize() builds them).
  std::vector<CatalogItem> tools, prompts, resources, resource_templates;
};

enum class ItemKind { tool, resource, resource_template, prompt };
inline constexpr ItemKind kAllKinds[] = {ItemKind::tool, ItemKind::resource,
                                         ItemKind::resource_template, ItemKind::prompt};

struct Catalog {
  std::uint64_t version = 0;  // this node's count of snapshots
  std::int64_t epoch = 0;     // the database's number of the change it shows (store::CatalogRows)
  std::vector<CatalogItem> tools, resources, resource_templates, prompts;  // sorted by key
  std::map<std::string, VirtualServer> servers;
  // Enabled upstream MCP servers, by gateway id.
  std::map<std::string, std::shared_ptr<const UpstreamEndpoint>> gateways;
  std::vector<Policy> policies;  // enabled ones, in deciding order (normalize())

  const std::vector<CatalogItem>& items(ItemKind k) const;
};

// Which part of the catalog one caller sees. /mcp: everything the token may see (all items when
// the token names no servers, else the union of its servers). /servers/<id>/mcp: that server's.
// The policies (gateway/policy.h) decide on caller.
struct Scope {
  std::optional<std::string> server;
  std::vector<std::string> token_servers;  // empty: unrestricted
  Caller caller{};

  bool operator==(const Scope&) const = default;
};

// Whether a and b see the same of c: their scopes are equal, or c has no policies and they
// differ only in their callers.
bool same_view(const Catalog& c, const Scope& a, const Scope& b);

// Items of kind k visible in scope, in catalog order.
std::vector<const CatalogItem*> visible(const Catalog& c, ItemKind k, const Scope& scope);
// The item of kind k that `scope` knows by `key` (a name, or a resource's URI); null when none.
const CatalogItem* find_item(const Catalog& c, ItemKind k, std::string_view key,
                             const Scope& scope);
inline const CatalogItem* find_tool(const Catalog& c, std::string_view name, const Scope& scope) {
  return find_item(c, ItemKind::tool, name, scope);
}
// A value that changes exactly when what `scope` sees of kind k changes.
std::uint64_t fingerprint(const Catalog& c, ItemKind k, const Scope& scope);

// True when scope is a virtual server that shows its items under their upstream names and URIs.
bool shows_original_names(const Catalog& c, const Scope& scope);

// Sorts each list by key, builds the renamed lists of servers with original_names, and
// serializes each item; call before publishing a hand-built catalog.
void normalize(Catalog& c);

// Reads the enabled catalog items and virtual servers from the store (publish normalizes).
// credentials_key opens the tools' sealed credentials (common/crypto.h); a tool whose
// credentials do not open is left out and logged. Throws store::DatabaseError.
Catalog load_catalog(store::CatalogReader& store, const std::string& credentials_key);

// The HTTP headers that carry sealed credentials {"type":"bearer","token"} |
// {"type":"basic","username","password"} | {"type":"headers","headers":{...}}.
std::vector<std::pair<std::string, std::string>> credential_headers(const boost::json::object& c);

class CatalogService {
 public:
  using Listener = std::function<void(const Catalog& before, const Catalog& after)>;

  CatalogService();
  std::shared_ptr<const Catalog> current() const { return current_.load(); }
  // Installs next, normalized, as version previous + 1, and calls every listener.
  void publish(Catalog next);
  void subscribe(Listener listener);

 private:
  std::atomic<std::shared_ptr<const Catalog>> current_;
  std::mutex publish_mutex_;  // serializes writers and listener calls; readers never take it
  std::vector<Listener> listeners_;
};

}  // namespace mcpgw::gateway
