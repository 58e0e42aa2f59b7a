#include <SQLiteCpp/SQLiteCpp.h>

#include "common/clock.h"
#include "store/sqlite/keyset.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store::sqlite {
namespace {

const std::string kSelectPrompts =
    "SELECT id, name, original_name, description, arguments, gateway_id, enabled FROM prompts";

PromptRecord read_prompt(const SQLite::Statement& q) {
  PromptRecord r;
  r.id = q.getColumn("id").getString();
  r.name = q.getColumn("name").getString();
  r.original_name = q.getColumn("original_name").getString();
  r.description = q.getColumn("description").getString();
  r.arguments = optional_text(q.getColumn("arguments"));
  r.gateway_id = optional_text(q.getColumn("gateway_id"));
  r.enabled = q.getColumn("enabled").getInt() != 0;
  return r;
}

std::optional<PromptRecord> find_prompt(ConnectionPool::Lease& conn, const std::string& id) {
  auto& q = conn.prepare(kSelectPrompts + " WHERE id = ?");
  q.bind(1, id);
  return first_row(q, read_prompt);
}

}  // namespace

std::vector<PromptRecord> SqlitePromptRepository::page(const ListQuery& lq) {
  return translated([&] {
    const auto k = keyset_sql(lq);
    auto conn = pool_.acquire();
    auto& q = conn.prepare(kSelectPrompts + k.tail);
    bind_keyset(q, k);
    return all_rows(q, read_prompt);
  });
}

std::optional<PromptRecord> SqlitePromptRepository::find(const std::string& id) {
  return translated([&] {
    auto conn = pool_.acquire();
    return find_prompt(conn, id);
  });
}

std::optional<PromptRecord> SqlitePromptRepository::set_enabled(const std::string& id,
                                                                bool enabled) {
  return translated([&]() -> std::optional<PromptRecord> {
    auto conn = pool_.acquire();
    SQLite::Transaction tx(*conn, SQLite::TransactionBehavior::IMMEDIATE);
    auto& q = conn.prepare("UPDATE prompts SET enabled = ?, updated_at = ? WHERE id = ?");
    q.bind(1, enabled ? 1 : 0);
    q.bind(2, static_cast<int64_t>(unix_ms()));
    q.bind(3, id);
    if (q.exec() != 1) return std::nullopt;
    auto r = find_prompt(conn, id);
    tx.commit();
    return r;
  });
}

}  // namespace mcpgw::store::sqlite
