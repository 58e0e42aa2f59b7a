#include <SQLiteCpp/SQLiteCpp.h>

#include "common/clock.h"
#include "store/sqlite/keyset.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store::sqlite {
namespace {

const std::string kSelectResources =
    "SELECT id, uri, original_uri, name, description, mime_type, is_template, gateway_id, "
    "enabled FROM resources";

ResourceRecord read_resource(const SQLite::Statement& q) {
  ResourceRecord r;
  r.id = q.getColumn("id").getString();
  r.uri = q.getColumn("uri").getString();
  r.original_uri = q.getColumn("original_uri").getString();
  r.name = q.getColumn("name").getString();
  r.description = q.getColumn("description").getString();
  r.mime_type = optional_text(q.getColumn("mime_type"));
  r.is_template = q.getColumn("is_template").getInt() != 0;
  r.gateway_id = optional_text(q.getColumn("gateway_id"));
  r.enabled = q.getColumn("enabled").getInt() != 0;
  return r;
}

std::optional<ResourceRecord> find_resource(ConnectionPool::Lease& conn, const std::string& id) {
  auto& q = conn.prepare(kSelectResources + " WHERE id = ?");
  q.bind(1, id);
  return first_row(q, read_resource);
}

}  // namespace

std::vector<ResourceRecord> SqliteResourceRepository::page(const ListQuery& lq) {
  return translated([&] {
    const auto k = keyset_sql(lq);
    auto conn = pool_.acquire();
    auto& q = conn.prepare(kSelectResources + k.tail);
    bind_keyset(q, k);
    return all_rows(q, read_resource);
  });
}

std::optional<ResourceRecord> SqliteResourceRepository::find(const std::string& id) {
  return translated([&] {
    auto conn = pool_.acquire();
    return find_resource(conn, id);
  });
}

std::optional<ResourceRecord> SqliteResourceRepository::set_enabled(const std::string& id,
                                                                    bool enabled) {
  return translated([&]() -> std::optional<ResourceRecord> {
    auto conn = pool_.acquire();
    SQLite::Transaction tx(*conn, SQLite::TransactionBehavior::IMMEDIATE);
    auto& q = conn.prepare("UPDATE resources SET enabled = ?, updated_at = ? WHERE id = ?");
    q.bind(1, enabled ? 1 : 0);
    q.bind(2, static_cast<int64_t>(unix_ms()));
    q.bind(3, id);
    if (q.exec() != 1) return std::nullopt;
    auto r = find_resource(conn, id);
    tx.commit();
    return r;
  });
}

}  // namespace mcpgw::store::sqlite
