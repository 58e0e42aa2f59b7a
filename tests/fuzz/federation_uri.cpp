// Federated names and URIs (gateway/federation.h) and the URI a client names in resources/read
// or subscribe, resolved against a catalog of upstream resources and resource templates
// (mcp/methods/methods.h: resources::binding_of), on /mcp and on a virtual server that shows
// upstream URIs.
//
// Input: "<gateway name>\0<upstream URI>\0<upstream URI template>\0<URI the client names>".
//
// Invariants: a slug is 1..48 of [a-z0-9-] with no '-' at either end and no "--", and slugify
// keeps a slug as it is; an upstream URI comes back out of its federated URI under its own slug
// and under no other; resolving is total and lands on one of the catalog's upstreams; a resource
// resolves to itself; a URI under a template resolves to the upstream URI inside it.
#include <boost/json.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_support.h"
#include "gateway/catalog.h"
#include "gateway/federation.h"
#include "gateway/upstream_session.h"
#include "mcp/methods/methods.h"

namespace json = boost::json;
using namespace mcpgw;

namespace {

void check_slug(const std::string& slug) {
  FUZZ_CHECK(!slug.empty() && slug.size() <= 48);
  for (char c : slug)
    FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  FUZZ_CHECK(slug.front() != '-' && slug.back() != '-');
  FUZZ_CHECK(slug.find("--") == std::string::npos);
  FUZZ_CHECK(gateway::slugify(slug) == slug);
}

std::shared_ptr<const gateway::UpstreamEndpoint> endpoint(std::string id, std::string slug) {
  auto e = std::make_shared<gateway::UpstreamEndpoint>();
  e->gateway_id = std::move(id);
  e->name = e->slug = std::move(slug);
  e->url = "http://127.0.0.1:9/mcp";
  return e;
}

gateway::CatalogItem item(std::string id, std::string key, const char* field,
                          std::shared_ptr<const gateway::UpstreamEndpoint> ep,
                          std::string original) {
  json::object def{{field, key}, {"name", id}};
  auto binding = std::make_shared<const gateway::UpstreamBinding>(
      gateway::UpstreamBinding{std::move(ep), std::move(original)});
  return {std::move(id), std::move(key), std::move(def), {}, nullptr, std::move(binding)};
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  const std::string name(fuzz::next_part(rest));
  const std::string uri(fuzz::next_part(rest));
  const std::string tmpl(fuzz::next_part(rest));
  const std::string asked(rest);

  const std::string slug = gateway::slugify(name);
  check_slug(slug);
  const std::string other = slug == "other" ? "else" : "other";
  const std::string fed = gateway::federated_uri(slug, uri);
  if (!uri.empty()) {
    const auto back = gateway::upstream_uri(slug, fed);
    FUZZ_CHECK(back && *back == uri);
  }
  FUZZ_CHECK(!gateway::upstream_uri(other, fed));
  if (const auto inner = gateway::upstream_uri(slug, asked))
    FUZZ_CHECK(gateway::federated_uri(slug, *inner) == asked);
  static_cast<void>(gateway::era_name(uri));

  gateway::Catalog c;
  const auto ep = endpoint("g1", slug), ep2 = endpoint("g2", other);
  c.gateways = {{"g1", ep}, {"g2", ep2}};
  c.resources.push_back(item("r1", fed, "uri", ep, uri));
  c.resources.push_back(item("r2", gateway::federated_uri(other, uri), "uri", ep2, uri));
  const std::string fed_tmpl = gateway::federated_uri(slug, tmpl);
  c.resource_templates.push_back(item("t1", fed_tmpl, "uriTemplate", ep, tmpl));
  gateway::VirtualServer vs{"s1", "s1", {"r1", "t1"}, true, {}, {}, {}, {}};
  c.servers.emplace("s1", std::move(vs));
  gateway::normalize(c);

  const gateway::Scope all{}, server{std::string("s1"), {}};
  for (const std::string* u : {&asked, &fed, &uri}) {
    for (const gateway::Scope* scope : {&all, &server}) {
      const auto b = mcp::resources::binding_of(c, *u, *scope);
      if (!b) continue;
      FUZZ_CHECK(b->endpoint == ep || b->endpoint == ep2);
    }
  }
  if (!uri.empty()) {
    const auto b = mcp::resources::binding_of(c, fed, all);
    FUZZ_CHECK(b && b->endpoint == ep && b->original == uri);
  }
  // A URI made from the template: its fixed prefix, then anything.
  const std::string prefix = fed_tmpl.substr(0, fed_tmpl.find('{'));
  if (asked.starts_with(prefix) && prefix.size() > slug.size() + 1 && fed != asked) {
    const auto b = mcp::resources::binding_of(c, asked, all);
    FUZZ_CHECK(b && b->endpoint == ep);
    FUZZ_CHECK(b->original == *gateway::upstream_uri(slug, asked));
  }
  return 0;
}
