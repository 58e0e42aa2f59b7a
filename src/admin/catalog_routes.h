#pragma once
// Inside the admin layer: what the /v1 catalog routes (tools, servers, resources, prompts) share.
// register_catalog_routes (catalog_api.h) is the entry point; the functions here are its parts.
#include <SQLiteCpp/Statement.h>

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "admin/list_query.h"
#include "admin/validation.h"
#include "http/message.h"
#include "store/database.h"

namespace boost::asio {
class thread_pool;
}
namespace mcpgw::http {
class HttpServer;
}

namespace mcpgw::admin {

// Copied into each route; everything it refers to outlives the server.
struct CatalogContext {
  store::ConnectionPool& db;
  boost::asio::thread_pool& blocking;
  std::function<void()> republish;  // rebuilds the catalog snapshot; after each committed write
  const std::string& credentials_key;
};

// What a write did; made on the blocking pool, turned into a response on the connection.
struct WriteOutcome {
  enum class Kind { done, not_found, invalid, conflict };
  Kind kind = Kind::done;
  FieldErrors errors;           // invalid
  std::string conflict_detail;  // conflict: set by the write before the statement that may clash
  boost::json::object item;     // done: the item as GET returns it
};

// Runs write(outcome) (which commits its own transaction) on the calling thread, maps a UNIQUE
// violation to a conflict, and republishes the catalog after a write that is done.
WriteOutcome write_catalog(const CatalogContext& c,
                           const std::function<void(WriteOutcome&)>& write);

// 201/200 with the item, 404 naming noun and id, 422, or 409.
http::Response outcome_response(WriteOutcome& out, http::Status success, std::string_view noun,
                                std::string_view id);

// The JSON of one row of `SELECT <columns> FROM <table>`; conn serves any further lookups.
using RowJson = boost::json::object (*)(SQLite::Statement& row, store::ConnectionPool::Lease& conn);

// {"items": [...], "next_cursor"?: "..."}: one keyset page of `select` (SELECT ... FROM table).
boost::json::object select_page(store::ConnectionPool::Lease& conn, const std::string& select,
                                const ListQuery& q, RowJson row);
// The row of `select` + " WHERE id = ?"; empty when there is none.
boost::json::object select_one(store::ConnectionPool::Lease& conn, const std::string& select,
                               const std::string& id, RowJson row);

// GET <collection> (paged, with the filters in `filters`) and GET <collection>/{id}.
void register_read_routes(http::HttpServer& server, const CatalogContext& c,
                          std::string_view collection, unsigned filters, std::string select,
                          RowJson row, std::string noun);
// Creates (create), replaces (PUT) or patches (PATCH) the item `id` from the request body; runs
// inside write_catalog on the blocking pool.
using SaveItem = void (*)(const CatalogContext& c, WriteOutcome& out, const std::string& id,
                          const boost::json::object& body, bool create, bool patch);
// POST <collection> (201 with Location), PUT and PATCH <collection>/{id}, all through save.
void register_write_routes(http::HttpServer& server, const CatalogContext& c,
                           std::string_view collection, std::string noun, SaveItem save);
// DELETE <collection>/{id}: removes the row (associations cascade) and republishes.
void register_delete_route(http::HttpServer& server, const CatalogContext& c,
                           std::string_view collection, std::string table, std::string noun);

// "2024-...Z" for epoch ms; JSON null for NULL. TEXT columns holding JSON, parsed (null when
// NULL or not JSON).
boost::json::value time_or_null(const SQLite::Column& c);
boost::json::value json_column(const SQLite::Column& c);
boost::json::value text_or_null(const SQLite::Column& c);

void register_tool_routes(http::HttpServer& server, const CatalogContext& c);
void register_server_routes(http::HttpServer& server, const CatalogContext& c);
// /v1/resources and /v1/prompts: read and enable/disable what upstream discovery created.
void register_item_routes(http::HttpServer& server, const CatalogContext& c);

}  // namespace mcpgw::admin
