#include <SQLiteCpp/SQLiteCpp.h>

#include "common/clock.h"
#include "store/sqlite/keyset.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store::sqlite {
namespace {

const std::string kSelectGateways =
    "SELECT g.id AS id, g.name AS name, g.slug AS slug, g.url AS url, "
    "g.description AS description, g.headers AS headers, g.auth_type AS auth_type, "
    "g.auth_secret IS NOT NULL AS has_credentials, g.tags AS tags, g.timeout_ms AS timeout_ms, "
    "g.enabled AS enabled, g.status AS status, g.last_seen_at AS last_seen_at, "
    "g.last_error AS last_error, g.protocol_version AS protocol_version, "
    "g.server_info AS server_info, g.capabilities AS capabilities, g.created_at AS created_at, "
    "g.updated_at AS updated_at, "
    "(SELECT COUNT(*) FROM tools t WHERE t.gateway_id = g.id) AS tool_count, "
    "(SELECT COUNT(*) FROM resources r WHERE r.gateway_id = g.id) AS resource_count, "
    "(SELECT COUNT(*) FROM prompts p WHERE p.gateway_id = g.id) AS prompt_count FROM gateways g";

GatewayRecord read_gateway(const SQLite::Statement& q) {
  GatewayRecord g;
  g.id = q.getColumn("id").getString();
  g.name = q.getColumn("name").getString();
  g.slug = q.getColumn("slug").getString();
  g.url = q.getColumn("url").getString();
  g.description = q.getColumn("description").getString();
  g.headers = optional_text(q.getColumn("headers"));
  g.auth_type = q.getColumn("auth_type").getString();
  g.has_credentials = q.getColumn("has_credentials").getInt() != 0;
  g.tags = optional_text(q.getColumn("tags"));
  g.timeout_ms = q.getColumn("timeout_ms").getInt64();
  g.enabled = q.getColumn("enabled").getInt() != 0;
  g.status = q.getColumn("status").getString();
  g.last_seen_at = optional_int(q.getColumn("last_seen_at"));
  g.last_error = optional_text(q.getColumn("last_error"));
  g.protocol_version = optional_text(q.getColumn("protocol_version"));
  g.server_info = optional_text(q.getColumn("server_info"));
  g.capabilities = optional_text(q.getColumn("capabilities"));
  g.created_at = q.getColumn("created_at").getInt64();
  g.updated_at = q.getColumn("updated_at").getInt64();
  g.tool_count = q.getColumn("tool_count").getInt64();
  g.resource_count = q.getColumn("resource_count").getInt64();
  g.prompt_count = q.getColumn("prompt_count").getInt64();
  return g;
}

std::optional<GatewayRecord> find_gateway(ConnectionPool::Lease& conn, const std::string& id) {
  auto& q = conn.prepare(kSelectGateways + " WHERE id = ?");
  q.bind(1, id);
  return first_row(q, read_gateway);
}

void write_gateway(ConnectionPool::Lease& conn, bool create, const GatewayWrite& g,
                   const std::string& id) {
  const bool keep = !create && !g.sealed_credentials;
  auto& q = conn.prepare(
      create ? "INSERT INTO gateways(id, name, slug, url, description, headers, tags, timeout_ms, "
               "enabled, auth_type, auth_secret, created_at, updated_at) "
               "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12)"
      : keep ? "UPDATE gateways SET name=?2, slug=?3, url=?4, description=?5, headers=?6, tags=?7, "
               "timeout_ms=?8, enabled=?9, auth_type=?10, updated_at=?12 WHERE id=?1"
             : "UPDATE gateways SET name=?2, slug=?3, url=?4, description=?5, headers=?6, tags=?7, "
               "timeout_ms=?8, enabled=?9, auth_type=?10, auth_secret=?11, updated_at=?12 "
               "WHERE id=?1");
  q.bind(1, id);
  q.bind(2, g.name);
  q.bind(3, g.slug);
  q.bind(4, g.url);
  q.bind(5, g.description);
  q.bind(6, g.headers);
  q.bind(7, g.tags);
  q.bind(8, static_cast<int64_t>(g.timeout_ms));
  q.bind(9, g.enabled ? 1 : 0);
  q.bind(10, g.auth_type);
  if (!keep) bind_blob(q, 11, g.sealed_credentials ? *g.sealed_credentials : std::nullopt);
  q.bind(12, static_cast<int64_t>(unix_ms()));
  q.exec();
  q.reset();
}

}  // namespace

std::vector<GatewayRecord> SqliteGatewayRepository::page(const ListQuery& lq) {
  return translated([&] {
    const auto k = keyset_sql(lq);
    auto conn = pool_.acquire();
    auto& q = conn.prepare(kSelectGateways + k.tail);
    bind_keyset(q, k);
    return all_rows(q, read_gateway);
  });
}

std::optional<GatewayRecord> SqliteGatewayRepository::find(const std::string& id) {
  return translated([&] {
    auto conn = pool_.acquire();
    return find_gateway(conn, id);
  });
}

std::optional<GatewayRecord> SqliteGatewayRepository::save(const std::string& id, bool create,
                                                           const Decide& decide) {
  return translated([&]() -> std::optional<GatewayRecord> {
    auto conn = pool_.acquire();
    // IMMEDIATE: the write lock from the start, so that decide sees the state the write replaces.
    SQLite::Transaction tx(*conn, SQLite::TransactionBehavior::IMMEDIATE);
    const auto stored = create ? std::nullopt : find_gateway(conn, id);
    const auto write = decide(stored);
    if (!write) return std::nullopt;
    write_gateway(conn, create, *write, id);
    auto saved = find_gateway(conn, id);
    tx.commit();
    return saved;
  });
}

bool SqliteGatewayRepository::remove(const std::string& id) {
  return delete_by_id(pool_, "DELETE FROM gateways WHERE id = ?", id);
}

}  // namespace mcpgw::store::sqlite
