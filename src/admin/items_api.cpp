// /v1/resources and /v1/prompts: rows that upstream discovery creates. The admin reads them and
// may switch them off and on; nothing else about them is the admin's to change.
#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "auth/principal.h"
#include "common/clock.h"
#include "common/offload.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::RequestContext;
using http::Response;

namespace {

const std::string kSelectResources =
    "SELECT id, uri, original_uri, name, description, mime_type, is_template, gateway_id, "
    "enabled FROM resources";

json::object resource_json(SQLite::Statement& q, store::ConnectionPool::Lease&) {
  return json::object{{"id", q.getColumn(0).getString()},
                      {"uri", q.getColumn(1).getString()},
                      {"original_uri", q.getColumn(2).getString()},
                      {"name", q.getColumn(3).getString()},
                      {"description", q.getColumn(4).getString()},
                      {"mime_type", text_or_null(q.getColumn(5))},
                      {"is_template", q.getColumn(6).getInt() != 0},
                      {"gateway_id", text_or_null(q.getColumn(7))},
                      {"enabled", q.getColumn(8).getInt() != 0}};
}

const std::string kSelectPrompts =
    "SELECT id, name, original_name, description, arguments, gateway_id, enabled FROM prompts";

json::object prompt_json(SQLite::Statement& q, store::ConnectionPool::Lease&) {
  return json::object{{"id", q.getColumn(0).getString()},
                      {"name", q.getColumn(1).getString()},
                      {"original_name", q.getColumn(2).getString()},
                      {"description", q.getColumn(3).getString()},
                      {"arguments", json_column(q.getColumn(4))},
                      {"gateway_id", text_or_null(q.getColumn(5))},
                      {"enabled", q.getColumn(6).getInt() != 0}};
}

struct ItemKind {
  const char* collection;  // /v1/resources
  const char* table;       // resources
  const char* noun;        // resource
  const std::string& select;
  RowJson row;
};

// PATCH <collection>/{id} with {"enabled": bool} and nothing else.
void register_enable_route(http::HttpServer& server, const CatalogContext& c, const ItemKind& k) {
  server.route(
      "PATCH", std::string(k.collection) + "/{id}", Access::require(auth::kScopeAdmin),
      [c,
       update = "UPDATE " + std::string(k.table) + " SET enabled = ?, updated_at = ? WHERE id = ?",
       select = k.select, row = k.row, noun = std::string(k.noun),
       plural = std::string(k.table)](RequestContext& ctx) -> awaitable<Response> {
        auto body = parse_json_object_body(ctx.request);
        if (body.error) co_return std::move(*body.error);
        const json::object& b = body.value->get_object();
        FieldErrors errors;
        for (const auto& kv : b)
          if (kv.key() != "enabled")
            errors.add(kv.key(), "cannot be changed: " + plural +
                                     " of upstream MCP servers are managed by discovery; only "
                                     "enabled is the admin's");
        auto enabled = opt_bool(b, "enabled", errors);
        if (!enabled && errors.empty()) errors.add("enabled", "is required: true or false");
        if (!errors.empty()) co_return errors.to_response();
        const bool on = *enabled;
        const std::string id(*ctx.params.get("id"));
        auto out = co_await offload(c.blocking, [&] {
          return write_catalog(c, [&](WriteOutcome& o) {
            auto conn = c.db.acquire();
            auto& q = conn.prepare(update);
            q.bind(1, on ? 1 : 0);
            q.bind(2, static_cast<int64_t>(unix_ms()));
            q.bind(3, id);
            if (q.exec() != 1) {
              o.kind = WriteOutcome::Kind::not_found;
              return;
            }
            o.item = select_one(conn, select, id, row);
          });
        });
        co_return outcome_response(out, http::Status::ok, noun, id);
      });
}

}  // namespace

void register_item_routes(http::HttpServer& server, const CatalogContext& c) {
  const ItemKind kinds[] = {
      {"/v1/resources", "resources", "resource", kSelectResources, resource_json},
      {"/v1/prompts", "prompts", "prompt", kSelectPrompts, prompt_json}};
  for (const auto& k : kinds) {
    register_read_routes(server, c, k.collection, kFilterName | kFilterGateway, k.select, k.row,
                         k.noun);
    register_enable_route(server, c, k);
  }
}

}  // namespace mcpgw::admin
