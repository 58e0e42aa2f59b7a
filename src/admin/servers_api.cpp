// /v1/servers: virtual servers, each a chosen set of tools, resources and prompts.
#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "admin/server_input.h"
#include "common/clock.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::RequestContext;
using http::Response;

namespace {

const std::string kSelectServers =
    "SELECT id, name, description, expose_original_names, tags, created_at, updated_at "
    "FROM servers";

// One association table of a virtual server: which ids field names, where they live.
struct Association {
  const char* field;  // tool_ids
  const char* noun;   // tool
  std::string select_ids, exists, clear, insert;
};

const Association& association(int i) {
  auto make = [](const char* field, const char* noun, const char* table, const char* column,
                 const char* items) {
    const std::string t(table), col(column), it(items);
    return Association{field,
                       noun,
                       "SELECT " + col + " FROM " + t + " WHERE server_id = ? ORDER BY " + col,
                       "SELECT 1 FROM " + it + " WHERE id = ?",
                       "DELETE FROM " + t + " WHERE server_id = ?",
                       "INSERT OR IGNORE INTO " + t + "(server_id, " + col + ") VALUES(?, ?)"};
  };
  static const Association all[] = {
      make("tool_ids", "tool", "server_tools", "tool_id", "tools"),
      make("resource_ids", "resource", "server_resources", "resource_id", "resources"),
      make("prompt_ids", "prompt", "server_prompts", "prompt_id", "prompts")};
  return all[i];
}

json::object server_json(SQLite::Statement& q, store::ConnectionPool::Lease& conn) {
  json::object o{{"id", q.getColumn(0).getString()},
                 {"name", q.getColumn(1).getString()},
                 {"description", q.getColumn(2).getString()}};
  for (int i = 0; i < 3; ++i) {
    const auto& a = association(i);
    auto& ids = conn.prepare(a.select_ids);
    ids.bind(1, o.at("id").get_string().c_str());
    json::array list;
    while (ids.executeStep())
      list.emplace_back(ids.getColumn(0).getString());
    ids.reset();
    o[a.field] = std::move(list);
  }
  o["expose_original_names"] = q.getColumn(3).getInt() != 0;
  o["tags"] = json_column(q.getColumn(4));
  o["created_at"] = time_or_null(q.getColumn(5));
  o["updated_at"] = time_or_null(q.getColumn(6));
  return o;
}

const std::vector<std::string>& ids_of(const ServerInput& s, int i) {
  return i == 0 ? s.tool_ids : i == 1 ? s.resource_ids : s.prompt_ids;
}

// POST (no stored server), PUT and PATCH: the row and its three associations in one transaction,
// so that an unknown id leaves everything as it was.
void save_server(const CatalogContext& c, WriteOutcome& out, const std::string& id,
                 const json::object& request, bool create, bool patch) {
  auto conn = c.db.acquire();
  // IMMEDIATE: the write lock from the start, so that the read below is of the state the write
  // replaces (a deferred transaction could fail to upgrade after a concurrent commit).
  SQLite::Transaction tx(*conn, SQLite::TransactionBehavior::IMMEDIATE);
  json::object body = request;
  FieldErrors& e = out.errors;
  json::object candidate = body;
  if (!create) {
    auto stored = select_one(conn, kSelectServers, id, server_json);
    if (stored.empty()) {
      out.kind = WriteOutcome::Kind::not_found;
      return;
    }
    drop_read_only(body, stored, kServerReadOnly, e);
    candidate = body;
    if (patch) {
      for (auto f : kServerReadOnly)
        stored.erase(f);
      candidate = std::move(stored);
      merge_patch(candidate, body);
    }
  }
  auto server = read_server(candidate, e);
  if (server) {
    for (int i = 0; i < 3; ++i) {
      const auto& a = association(i);
      for (const auto& item : ids_of(*server, i)) {
        auto& q = conn.prepare(a.exists);
        q.bind(1, item);
        const bool found = q.executeStep();
        q.reset();
        if (!found) e.add(a.field, std::string("unknown ") + a.noun + " id '" + item + "'");
      }
    }
  }
  if (!server || !e.empty()) {
    out.kind = WriteOutcome::Kind::invalid;
    return;
  }
  const ServerInput& s = *server;
  out.conflict_detail = "a server named '" + s.name + "' already exists";
  const auto now = static_cast<int64_t>(unix_ms());
  auto& q = conn.prepare(
      create ? "INSERT INTO servers(name, description, expose_original_names, tags, updated_at, "
               "id, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?5)"
             : "UPDATE servers SET name = ?1, description = ?2, expose_original_names = ?3, "
               "tags = ?4, updated_at = ?5 WHERE id = ?6");
  q.bind(1, s.name);
  q.bind(2, s.description);
  q.bind(3, s.expose_original_names ? 1 : 0);
  q.bind(4, json::serialize(json::value_from(s.tags)));
  q.bind(5, now);
  q.bind(6, id);
  q.exec();
  for (int i = 0; i < 3; ++i) {
    const auto& a = association(i);
    auto& clear = conn.prepare(a.clear);
    clear.bind(1, id);
    clear.exec();
    for (const auto& item : ids_of(s, i)) {
      auto& add = conn.prepare(a.insert);
      add.bind(1, id);
      add.bind(2, item);
      add.exec();
    }
  }
  out.item = select_one(conn, kSelectServers, id, server_json);
  tx.commit();
}

}  // namespace

void register_server_routes(http::HttpServer& server, const CatalogContext& c) {
  register_read_routes(server, c, "/v1/servers", kFilterName | kFilterTag, kSelectServers,
                       server_json, "server");

  register_write_routes(server, c, "/v1/servers", "server", save_server);
  register_delete_route(server, c, "/v1/servers", "servers", "server");
}

}  // namespace mcpgw::admin
