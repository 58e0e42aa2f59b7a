#include "admin/catalog_api.h"

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/catalog_routes.h"
#include "auth/principal.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/json_parse.h"
#include "common/offload.h"
#include "gateway/catalog.h"
#include "gateway/catalog_sync.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::Exchange;
using http::Response;

WriteOutcome write_catalog(const CatalogContext& c,
                           const std::function<void(WriteOutcome&)>& write) {
  WriteOutcome out;
  try {
    write(out);
  } catch (const store::Conflict&) {
    out.kind = WriteOutcome::Kind::conflict;
    return out;
  }
  if (out.kind == WriteOutcome::Kind::done) c.republish();
  return out;
}

Response outcome_response(WriteOutcome& out, http::Status success, std::string_view noun,
                          std::string_view id) {
  switch (out.kind) {
    case WriteOutcome::Kind::not_found:
      return http::error_response(http::Status::not_found, "not_found",
                                  "no " + std::string(noun) + " with id '" + std::string(id) + "'");
    case WriteOutcome::Kind::invalid:
      return out.errors.to_response();
    case WriteOutcome::Kind::conflict:
      return http::error_response(http::Status::conflict, "conflict", out.conflict_detail);
    case WriteOutcome::Kind::done:
      break;
  }
  return http::json_response(success, out.item);
}

json::value time_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? json::value(iso8601_utc(*ms)) : json::value(nullptr);
}

json::value json_text(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  boost::system::error_code ec;
  auto v = parse_json(*text, ec);
  return ec ? json::value(nullptr) : v;
}

json::value text_or_null(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

void register_read_routes(http::HttpServer& server, const CatalogContext& c,
                          std::string_view collection, unsigned filters, ReadItems read,
                          std::string noun) {
  server.route("GET", collection, Access::require(auth::kScopeAdmin),
               [c, filters, read](Exchange& ctx) -> awaitable<Response> {
                 FieldErrors errors;
                 auto query = parse_list_query(ctx.request.target(), filters, errors);
                 if (!query) co_return errors.to_response();
                 const ListQuery& q = *query;
                 auto page = co_await offload(
                     c.blocking, [&read, &q] { return page_json(read.page(store_query(q)), q); });
                 co_return http::json_response(http::Status::ok, page);
               });
  server.route("GET", std::string(collection) + "/{id}", Access::require(auth::kScopeAdmin),
               [c, read, noun](Exchange& ctx) -> awaitable<Response> {
                 const std::string id(*ctx.params.get("id"));
                 auto item = co_await offload(c.blocking, [&read, &id] { return read.find(id); });
                 if (item.empty())
                   co_return http::error_response(http::Status::not_found, "not_found",
                                                  "no " + noun + " with id '" + id + "'");
                 co_return http::json_response(http::Status::ok, item);
               });
}

void register_write_routes(http::HttpServer& server, const CatalogContext& c,
                           std::string_view collection, std::string noun, SaveItem save) {
  struct Write {
    const char* method;
    bool create, patch;
  };
  const std::string base(collection);
  for (const Write w :
       {Write{"POST", true, false}, Write{"PUT", false, false}, Write{"PATCH", false, true}}) {
    server.route(
        w.method, w.create ? base : base + "/{id}", Access::require(auth::kScopeAdmin),
        [c, w, base, noun, save](Exchange& ctx) -> awaitable<Response> {
          auto body = parse_json_object_body(ctx.request);
          if (body.error) co_return std::move(*body.error);
          const json::object& b = body.value->get_object();
          const std::string id =
              w.create ? crypto::random_hex(8) : std::string(*ctx.params.get("id"));
          auto out = co_await offload(c.blocking, [&c, &b, &id, w, save] {
            return write_catalog(c, [&](WriteOutcome& o) { save(c, o, id, b, w.create, w.patch); });
          });
          auto res =
              outcome_response(out, w.create ? http::Status::created : http::Status::ok, noun, id);
          if (w.create && out.kind == WriteOutcome::Kind::done)
            res.set(boost::beast::http::field::location, base + "/" + id);
          co_return res;
        });
  }
}

void register_delete_route(http::HttpServer& server, const CatalogContext& c,
                           std::string_view collection,
                           std::function<bool(const std::string& id)> remove, std::string noun) {
  server.route("DELETE", std::string(collection) + "/{id}", Access::require(auth::kScopeAdmin),
               [c, remove, noun](Exchange& ctx) -> awaitable<Response> {
                 const std::string id(*ctx.params.get("id"));
                 const bool deleted = co_await offload(c.blocking, [&c, &id, &remove] {
                   const bool hit = remove(id);
                   if (hit) c.republish();
                   return hit;
                 });
                 if (!deleted)
                   co_return http::error_response(http::Status::not_found, "not_found",
                                                  "no " + noun + " with id '" + id + "'");
                 Response res{http::Status::no_content, 11};
                 co_return res;
               });
}

void register_catalog_routes(http::HttpServer& server, store::CatalogStore& db,
                             gateway::CatalogSync& sync, boost::asio::thread_pool& blocking,
                             const std::string& credentials_key) {
  CatalogContext c{db, blocking, [&sync] { sync.republish(); }, credentials_key};
  register_tool_routes(server, c);
  register_server_routes(server, c);
  register_item_routes(server, c);
  register_policy_routes(server, c);
}

}  // namespace mcpgw::admin
