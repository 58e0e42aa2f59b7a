#pragma once
// Inside the admin layer: what the /v1 catalog routes (tools, servers, resources, prompts,
// gateways) share. register_catalog_routes (catalog_api.h) is the entry point; the functions here
// are its parts. Every database access goes through the store's repositories.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "admin/list_query.h"
#include "admin/validation.h"
#include "http/message.h"
#include "store/catalog_store.h"

namespace boost::asio {
class thread_pool;
}
namespace mcpgw::http {
class HttpServer;
}

namespace mcpgw::admin {

// Copied into each route; everything it refers to outlives the server.
struct CatalogContext {
  store::CatalogStore& db;
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

// Runs write(outcome) (which commits its own transaction) on the calling thread, maps a
// store::Conflict to a conflict, and republishes the catalog after a write that is done.
WriteOutcome write_catalog(const CatalogContext& c,
                           const std::function<void(WriteOutcome&)>& write);

// 201/200 with the item, 404 naming noun and id, 422, or 409.
http::Response outcome_response(WriteOutcome& out, http::Status success, std::string_view noun,
                                std::string_view id);

// How GET reads a collection: one keyset page of its rows, and one row by id (an empty object
// when there is none), each row as the JSON GET returns.
struct ReadItems {
  std::function<boost::json::array(const store::ListQuery&)> page;
  std::function<boost::json::object(const std::string& id)> find;
};

// ReadItems over a repository with page(ListQuery) and find(id), rows made JSON by to_json.
template <class Repository, class ToJson>
ReadItems read_items(Repository& repo, ToJson to_json) {
  return {[&repo, to_json](const store::ListQuery& q) {
            boost::json::array items;
            for (const auto& row : repo.page(q))
              items.push_back(to_json(row));
            return items;
          },
          [&repo, to_json](const std::string& id) {
            auto row = repo.find(id);
            return row ? to_json(*row) : boost::json::object{};
          }};
}

// GET <collection> (paged, with the filters in `filters`) and GET <collection>/{id}.
void register_read_routes(http::HttpServer& server, const CatalogContext& c,
                          std::string_view collection, unsigned filters, ReadItems read,
                          std::string noun);
// Creates (create), replaces (PUT) or patches (PATCH) the item `id` from the request body; runs
// inside write_catalog on the blocking pool.
using SaveItem = void (*)(const CatalogContext& c, WriteOutcome& out, const std::string& id,
                          const boost::json::object& body, bool create, bool patch);
// POST <collection> (201 with Location), PUT and PATCH <collection>/{id}, all through save.
void register_write_routes(http::HttpServer& server, const CatalogContext& c,
                           std::string_view collection, std::string noun, SaveItem save);
// DELETE <collection>/{id}: removes the item through remove (false: no such item; what belongs
// to it goes with it) and republishes.
void register_delete_route(http::HttpServer& server, const CatalogContext& c,
                           std::string_view collection,
                           std::function<bool(const std::string& id)> remove, std::string noun);

// "2024-...Z" for epoch ms; JSON null when absent. JSON text, parsed (null when absent or not
// JSON). Text, or null when absent.
boost::json::value time_or_null(const std::optional<std::int64_t>& ms);
boost::json::value json_text(const std::optional<std::string>& text);
boost::json::value text_or_null(const std::optional<std::string>& text);

void register_tool_routes(http::HttpServer& server, const CatalogContext& c);
void register_server_routes(http::HttpServer& server, const CatalogContext& c);
// /v1/resources and /v1/prompts: read and enable/disable what upstream discovery created.
void register_item_routes(http::HttpServer& server, const CatalogContext& c);
// /v1/policies: per-item policies (gateway/policy.h).
void register_policy_routes(http::HttpServer& server, const CatalogContext& c);

}  // namespace mcpgw::admin
