#include "common/clock.h"
#include "store/sql/keyset.h"
#include "store/sql/repositories.h"

namespace mcpgw::store::sql {
namespace {

const std::string kSelectGateways =
    "SELECT g.id AS id, g.name AS name, g.slug AS slug, g.url AS url, "
    "g.description AS description, g.headers AS headers, g.auth_type AS auth_type, "
    "CASE WHEN g.auth_secret IS NULL THEN 0 ELSE 1 END AS has_credentials, g.tags AS tags, "
    "g.timeout_ms AS timeout_ms, "
    "g.enabled AS enabled, g.status AS status, g.last_seen_at AS last_seen_at, "
    "g.last_error AS last_error, g.protocol_version AS protocol_version, "
    "g.server_info AS server_info, g.capabilities AS capabilities, g.created_at AS created_at, "
    "g.updated_at AS updated_at, "
    "(SELECT COUNT(*) FROM tools t WHERE t.gateway_id = g.id) AS tool_count, "
    "(SELECT COUNT(*) FROM resources r WHERE r.gateway_id = g.id) AS resource_count, "
    "(SELECT COUNT(*) FROM prompts p WHERE p.gateway_id = g.id) AS prompt_count FROM gateways g";

GatewayRecord read_gateway(const Rows::Row& q) {
  GatewayRecord g;
  g.id = q.text("id");
  g.name = q.text("name");
  g.slug = q.text("slug");
  g.url = q.text("url");
  g.description = q.text("description");
  g.headers = q.optional_text("headers");
  g.auth_type = q.text("auth_type");
  g.has_credentials = q.boolean("has_credentials");
  g.tags = q.optional_text("tags");
  g.timeout_ms = q.integer("timeout_ms");
  g.enabled = q.boolean("enabled");
  g.status = q.text("status");
  g.last_seen_at = q.optional_integer("last_seen_at");
  g.last_error = q.optional_text("last_error");
  g.protocol_version = q.optional_text("protocol_version");
  g.server_info = q.optional_text("server_info");
  g.capabilities = q.optional_text("capabilities");
  g.created_at = q.integer("created_at");
  g.updated_at = q.integer("updated_at");
  g.tool_count = q.integer("tool_count");
  g.resource_count = q.integer("resource_count");
  g.prompt_count = q.integer("prompt_count");
  return g;
}

std::optional<GatewayRecord> find_gateway(Connection& conn, const std::string& id) {
  const auto rows = conn.query(kSelectGateways + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  return read_gateway(rows[0]);
}

void write_gateway(Connection& conn, bool create, const GatewayWrite& g, const std::string& id) {
  const bool keep = !create && !g.sealed_credentials;
  std::optional<Blob> secret;
  if (g.sealed_credentials && *g.sealed_credentials) secret = Blob{**g.sealed_credentials};
  Params p{id,
           g.name,
           g.slug,
           g.url,
           g.description,
           g.headers,
           g.tags,
           static_cast<std::int64_t>(g.timeout_ms),
           g.enabled,
           g.auth_type,
           secret,
           static_cast<std::int64_t>(unix_ms())};
  // Keeping the credentials leaves ?11 unused.
  conn.exec(create ? "INSERT INTO gateways(id, name, slug, url, description, headers, tags, "
                     "timeout_ms, enabled, auth_type, auth_secret, created_at, updated_at) "
                     "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12)"
            : keep ? "UPDATE gateways SET name=?2, slug=?3, url=?4, description=?5, headers=?6, "
                     "tags=?7, timeout_ms=?8, enabled=?9, auth_type=?10, updated_at=?12 WHERE id=?1"
                   : "UPDATE gateways SET name=?2, slug=?3, url=?4, description=?5, headers=?6, "
                     "tags=?7, timeout_ms=?8, enabled=?9, auth_type=?10, auth_secret=?11, "
                     "updated_at=?12 WHERE id=?1",
            p);
}

}  // namespace

std::vector<GatewayRecord> SqlGatewayRepository::page(const ListQuery& lq) {
  auto conn = pool_.acquire();
  const auto k = keyset_sql(lq, conn->engine());
  return conn->query(kSelectGateways + k.tail, k.params).map(read_gateway);
}

std::optional<GatewayRecord> SqlGatewayRepository::find(const std::string& id) {
  auto conn = pool_.acquire();
  return find_gateway(*conn, id);
}

std::optional<GatewayRecord> SqlGatewayRepository::save(const std::string& id, bool create,
                                                        const Decide& decide) {
  auto conn = pool_.acquire();
  Transaction tx(*conn, TxMode::write);
  const auto stored = create ? std::nullopt : find_gateway(*conn, id);
  const auto write = decide(stored);
  if (!write) return std::nullopt;
  write_gateway(*conn, create, *write, id);
  auto saved = find_gateway(*conn, id);
  tx.commit();
  return saved;
}

bool SqlGatewayRepository::remove(const std::string& id) {
  return delete_by_id(pool_, "DELETE FROM gateways WHERE id = ?", id);
}

}  // namespace mcpgw::store::sql
