// /v1/resources and /v1/prompts: rows that upstream discovery creates. The admin reads them and
// may switch them off and on; nothing else about them is the admin's to change.
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "auth/principal.h"
#include "common/offload.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::Exchange;
using http::Response;

namespace {

json::object resource_json(const store::ResourceRecord& r) {
  return json::object{{"id", r.id},
                      {"uri", r.uri},
                      {"original_uri", r.original_uri},
                      {"name", r.name},
                      {"description", r.description},
                      {"mime_type", text_or_null(r.mime_type)},
                      {"is_template", r.is_template},
                      {"gateway_id", text_or_null(r.gateway_id)},
                      {"enabled", r.enabled}};
}

json::object prompt_json(const store::PromptRecord& p) {
  return json::object{{"id", p.id},
                      {"name", p.name},
                      {"original_name", p.original_name},
                      {"description", p.description},
                      {"arguments", json_text(p.arguments)},
                      {"gateway_id", text_or_null(p.gateway_id)},
                      {"enabled", p.enabled}};
}

struct ItemKind {
  const char* collection;  // /v1/resources
  const char* plural;      // resources
  const char* noun;        // resource
  ReadItems read;
  // Switches the item on or off; the item as GET then returns it, empty when there is none.
  std::function<json::object(const std::string& id, bool enabled)> set_enabled;
};

// PATCH <collection>/{id} with {"enabled": bool} and nothing else.
void register_enable_route(http::HttpServer& server, const CatalogContext& c, const ItemKind& k) {
  server.route("PATCH", std::string(k.collection) + "/{id}", Access::require(auth::kScopeAdmin),
               [c, set_enabled = k.set_enabled, noun = std::string(k.noun),
                plural = std::string(k.plural)](Exchange& ctx) -> awaitable<Response> {
                 auto body = parse_json_object_body(ctx.request);
                 if (body.error) co_return std::move(*body.error);
                 const json::object& b = body.value->get_object();
                 FieldErrors errors;
                 for (const auto& kv : b)
                   if (kv.key() != "enabled")
                     errors.add(kv.key(),
                                "cannot be changed: " + plural +
                                    " of upstream MCP servers are managed by discovery; only "
                                    "enabled is the admin's");
                 auto enabled = opt_bool(b, "enabled", errors);
                 if (!enabled && errors.empty())
                   errors.add("enabled", "is required: true or false");
                 if (!errors.empty()) co_return errors.to_response();
                 const bool on = *enabled;
                 const std::string id(*ctx.params.get("id"));
                 auto out = co_await offload(c.blocking, [&] {
                   return write_catalog(c, [&](WriteOutcome& o) {
                     o.item = set_enabled(id, on);
                     if (o.item.empty()) o.kind = WriteOutcome::Kind::not_found;
                   });
                 });
                 co_return outcome_response(out, http::Status::ok, noun, id);
               });
}

template <class Repository, class ToJson>
std::function<json::object(const std::string&, bool)> enabler(Repository& repo, ToJson to_json) {
  return [&repo, to_json](const std::string& id, bool enabled) {
    auto row = repo.set_enabled(id, enabled);
    return row ? to_json(*row) : json::object{};
  };
}

}  // namespace

void register_item_routes(http::HttpServer& server, const CatalogContext& c) {
  const ItemKind kinds[] = {
      {"/v1/resources", "resources", "resource", read_items(c.db.resources(), resource_json),
       enabler(c.db.resources(), resource_json)},
      {"/v1/prompts", "prompts", "prompt", read_items(c.db.prompts(), prompt_json),
       enabler(c.db.prompts(), prompt_json)}};
  for (const auto& k : kinds) {
    register_read_routes(server, c, k.collection, kFilterName | kFilterGateway, k.read, k.noun);
    register_enable_route(server, c, k);
  }
}

}  // namespace mcpgw::admin
