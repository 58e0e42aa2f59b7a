#include <SQLiteCpp/SQLiteCpp.h>

#include "common/clock.h"
#include "store/sqlite/keyset.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store::sqlite {
namespace {

const std::string kSelectTools =
    "SELECT id, name, original_name, description, integration_type, request_type, url, "
    "input_schema, output_schema, annotations, headers, timeout_ms, enabled, tags, gateway_id, "
    "auth_type, auth_secret IS NOT NULL AS has_credentials, created_at, updated_at FROM tools";

ToolRecord read_tool(const SQLite::Statement& q) {
  ToolRecord t;
  t.id = q.getColumn("id").getString();
  t.name = q.getColumn("name").getString();
  t.original_name = q.getColumn("original_name").getString();
  t.description = q.getColumn("description").getString();
  t.integration_type = q.getColumn("integration_type").getString();
  t.request_type = optional_text(q.getColumn("request_type"));
  t.url = optional_text(q.getColumn("url"));
  t.input_schema = optional_text(q.getColumn("input_schema"));
  t.output_schema = optional_text(q.getColumn("output_schema"));
  t.annotations = optional_text(q.getColumn("annotations"));
  t.headers = optional_text(q.getColumn("headers"));
  t.timeout_ms = q.getColumn("timeout_ms").getInt64();
  t.enabled = q.getColumn("enabled").getInt() != 0;
  t.tags = optional_text(q.getColumn("tags"));
  t.gateway_id = optional_text(q.getColumn("gateway_id"));
  t.auth_type = q.getColumn("auth_type").getString();
  t.has_credentials = q.getColumn("has_credentials").getInt() != 0;
  t.created_at = optional_int(q.getColumn("created_at"));
  t.updated_at = optional_int(q.getColumn("updated_at"));
  return t;
}

std::optional<ToolRecord> find_tool(ConnectionPool::Lease& conn, const std::string& id) {
  auto& q = conn.prepare(kSelectTools + " WHERE id = ?");
  q.bind(1, id);
  return first_row(q, read_tool);
}

// Both take bind_rest_tool's numbered parameters (INSERT leaves ?14 unused).
constexpr const char* kInsertTool =
    "INSERT INTO tools(name, original_name, description, input_schema, output_schema, "
    "annotations, request_type, url, headers, timeout_ms, auth_type, tags, enabled, updated_at, "
    "auth_secret, id, created_at, integration_type) "
    "VALUES(?1,?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?15,?16,?13,'REST')";
// ?14: 1 to set auth_secret to ?15 (NULL clears it), 0 to keep it.
constexpr const char* kUpdateTool =
    "UPDATE tools SET name = ?1, original_name = ?1, description = ?2, input_schema = ?3, "
    "output_schema = ?4, annotations = ?5, request_type = ?6, url = ?7, headers = ?8, "
    "timeout_ms = ?9, auth_type = ?10, tags = ?11, enabled = ?12, updated_at = ?13, "
    "auth_secret = CASE ?14 WHEN 1 THEN ?15 ELSE auth_secret END WHERE id = ?16";

void write_rest_tool(ConnectionPool::Lease& conn, bool create, const RestToolWrite& t,
                     const std::string& id) {
  auto& q = conn.prepare(create ? kInsertTool : kUpdateTool);
  q.bind(1, t.name);
  q.bind(2, t.description);
  q.bind(3, t.input_schema);
  bind_text(q, 4, t.output_schema);
  q.bind(5, t.annotations);
  q.bind(6, t.request_type);
  q.bind(7, t.url);
  q.bind(8, t.headers);
  q.bind(9, static_cast<int64_t>(t.timeout_ms));
  q.bind(10, t.auth_type);
  q.bind(11, t.tags);
  q.bind(12, t.enabled ? 1 : 0);
  q.bind(13, static_cast<int64_t>(unix_ms()));
  q.bind(14, t.sealed_credentials ? 1 : 0);
  bind_blob(q, 15, t.sealed_credentials ? *t.sealed_credentials : std::nullopt);
  q.bind(16, id);
  q.exec();
}

void write_discovered_tool(ConnectionPool::Lease& conn, const DiscoveredToolWrite& t,
                           const std::string& id) {
  auto& q = conn.prepare("UPDATE tools SET tags = ?, enabled = ?, updated_at = ? WHERE id = ?");
  q.bind(1, t.tags);
  q.bind(2, t.enabled ? 1 : 0);
  q.bind(3, static_cast<int64_t>(unix_ms()));
  q.bind(4, id);
  q.exec();
}

}  // namespace

std::vector<ToolRecord> SqliteToolRepository::page(const ListQuery& lq) {
  return translated([&] {
    const auto k = keyset_sql(lq);
    auto conn = pool_.acquire();
    auto& q = conn.prepare(kSelectTools + k.tail);
    bind_keyset(q, k);
    return all_rows(q, read_tool);
  });
}

std::optional<ToolRecord> SqliteToolRepository::find(const std::string& id) {
  return translated([&] {
    auto conn = pool_.acquire();
    return find_tool(conn, id);
  });
}

std::optional<ToolRecord> SqliteToolRepository::save(const std::string& id, bool create,
                                                     const Decide& decide) {
  return translated([&]() -> std::optional<ToolRecord> {
    auto conn = pool_.acquire();
    // IMMEDIATE: the write lock from the start, so that the read below is of the state the write
    // replaces (a deferred transaction could fail to upgrade after a concurrent commit).
    SQLite::Transaction tx(*conn, SQLite::TransactionBehavior::IMMEDIATE);
    const auto stored = create ? std::nullopt : find_tool(conn, id);
    const auto write = decide(stored);
    if (!write) return std::nullopt;
    if (const auto* rest = std::get_if<RestToolWrite>(&*write))
      write_rest_tool(conn, create, *rest, id);
    else
      write_discovered_tool(conn, std::get<DiscoveredToolWrite>(*write), id);
    auto saved = find_tool(conn, id);
    tx.commit();
    return saved;
  });
}

bool SqliteToolRepository::remove(const std::string& id) {
  return delete_by_id(pool_, "DELETE FROM tools WHERE id = ?", id);
}

}  // namespace mcpgw::store::sqlite
