// /v1/servers: virtual servers, each a chosen set of tools, resources and prompts.
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "admin/server_input.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::Exchange;
using http::Response;

namespace {

// One membership list of a virtual server: the field that names its ids, and their noun.
struct Association {
  const char* field;  // tool_ids
  const char* noun;   // tool
  store::ServerItem kind;
  std::vector<std::string> ServerInput::*input_ids;
};

constexpr Association kAssociations[] = {
    {"tool_ids", "tool", store::ServerItem::tool, &ServerInput::tool_ids},
    {"resource_ids", "resource", store::ServerItem::resource, &ServerInput::resource_ids},
    {"prompt_ids", "prompt", store::ServerItem::prompt, &ServerInput::prompt_ids}};

json::array id_array(const std::vector<std::string>& ids) {
  json::array list;
  for (const auto& id : ids)
    list.emplace_back(id);
  return list;
}

json::object server_json(const store::ServerRecord& s) {
  json::object o{{"id", s.id}, {"name", s.name}, {"description", s.description}};
  o["tool_ids"] = id_array(s.tool_ids);
  o["resource_ids"] = id_array(s.resource_ids);
  o["prompt_ids"] = id_array(s.prompt_ids);
  o["expose_original_names"] = s.expose_original_names;
  o["tags"] = json_text(s.tags);
  o["created_at"] = time_or_null(s.created_at);
  o["updated_at"] = time_or_null(s.updated_at);
  return o;
}

// What POST (no stored server), PUT and PATCH write, decided from the stored server inside the
// store's transaction, so that an unknown id leaves everything as it was; nullopt (and out says
// why) to write nothing.
std::optional<store::ServerWrite> decide_server(WriteOutcome& out,
                                                const std::optional<store::ServerRecord>& found,
                                                const store::ServerRepository::ItemExists& exists,
                                                const json::object& request, bool create,
                                                bool patch) {
  json::object body = request;
  FieldErrors& e = out.errors;
  json::object candidate = body;
  if (!create) {
    if (!found) {
      out.kind = WriteOutcome::Kind::not_found;
      return std::nullopt;
    }
    auto stored = server_json(*found);
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
  if (server)
    for (const auto& a : kAssociations)
      for (const auto& item : (*server).*a.input_ids)
        if (!exists(a.kind, item))
          e.add(a.field, std::string("unknown ") + a.noun + " id '" + item + "'");
  if (!server || !e.empty()) {
    out.kind = WriteOutcome::Kind::invalid;
    return std::nullopt;
  }
  const ServerInput& s = *server;
  out.conflict_detail = "a server named '" + s.name + "' already exists";
  return store::ServerWrite{s.name,
                            s.description,
                            s.expose_original_names,
                            json::serialize(json::value_from(s.tags)),
                            s.tool_ids,
                            s.resource_ids,
                            s.prompt_ids};
}

void save_server(const CatalogContext& c, WriteOutcome& out, const std::string& id,
                 const json::object& request, bool create, bool patch) {
  auto saved =
      c.db.servers().save(id, create,
                          [&](const std::optional<store::ServerRecord>& stored,
                              const store::ServerRepository::ItemExists& exists) {
                            return decide_server(out, stored, exists, request, create, patch);
                          });
  if (saved) out.item = server_json(*saved);
}

}  // namespace

void register_server_routes(http::HttpServer& server, const CatalogContext& c) {
  register_read_routes(server, c, "/v1/servers", kFilterName | kFilterTag,
                       read_items(c.db.servers(), server_json), "server");

  register_write_routes(server, c, "/v1/servers", "server", save_server);
  register_delete_route(
      server, c, "/v1/servers",
      [&servers = c.db.servers()](const std::string& id) { return servers.remove(id); }, "server");
}

}  // namespace mcpgw::admin
