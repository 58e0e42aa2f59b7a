#include <SQLiteCpp/SQLiteCpp.h>

#include "common/clock.h"
#include "store/sqlite/keyset.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store::sqlite {
namespace {

const std::string kSelectServers =
    "SELECT id, name, description, expose_original_names, tags, created_at, updated_at "
    "FROM servers";

// One membership table of a virtual server and the statements over it.
struct Membership {
  std::vector<std::string> ServerRecord::*ids;
  std::vector<std::string> ServerWrite::*write_ids;
  std::string select_ids, exists, clear, insert;
};

const Membership& membership(ServerItem kind) {
  auto make = [](auto ids, auto write_ids, const char* table, const char* column,
                 const char* items) {
    const std::string t(table), col(column), it(items);
    return Membership{ids,
                      write_ids,
                      "SELECT " + col + " FROM " + t + " WHERE server_id = ? ORDER BY " + col,
                      "SELECT 1 FROM " + it + " WHERE id = ?",
                      "DELETE FROM " + t + " WHERE server_id = ?",
                      "INSERT OR IGNORE INTO " + t + "(server_id, " + col + ") VALUES(?, ?)"};
  };
  static const Membership all[] = {
      make(&ServerRecord::tool_ids, &ServerWrite::tool_ids, "server_tools", "tool_id", "tools"),
      make(&ServerRecord::resource_ids, &ServerWrite::resource_ids, "server_resources",
           "resource_id", "resources"),
      make(&ServerRecord::prompt_ids, &ServerWrite::prompt_ids, "server_prompts", "prompt_id",
           "prompts")};
  return all[static_cast<int>(kind)];
}

constexpr ServerItem kKinds[] = {ServerItem::tool, ServerItem::resource, ServerItem::prompt};

ServerRecord read_server(const SQLite::Statement& q) {
  ServerRecord s;
  s.id = q.getColumn("id").getString();
  s.name = q.getColumn("name").getString();
  s.description = q.getColumn("description").getString();
  s.expose_original_names = q.getColumn("expose_original_names").getInt() != 0;
  s.tags = optional_text(q.getColumn("tags"));
  s.created_at = optional_int(q.getColumn("created_at"));
  s.updated_at = optional_int(q.getColumn("updated_at"));
  return s;
}

// Fills the server's membership lists (after its row's statement is done with).
void read_memberships(ConnectionPool::Lease& conn, ServerRecord& s) {
  for (const auto kind : kKinds) {
    const auto& m = membership(kind);
    auto& q = conn.prepare(m.select_ids);
    q.bind(1, s.id);
    s.*m.ids = all_rows(q, [](const SQLite::Statement& r) { return r.getColumn(0).getString(); });
  }
}

std::optional<ServerRecord> find_server(ConnectionPool::Lease& conn, const std::string& id) {
  auto& q = conn.prepare(kSelectServers + " WHERE id = ?");
  q.bind(1, id);
  auto s = first_row(q, read_server);
  if (s) read_memberships(conn, *s);
  return s;
}

bool item_exists(ConnectionPool::Lease& conn, ServerItem kind, const std::string& id) {
  auto& q = conn.prepare(membership(kind).exists);
  q.bind(1, id);
  const bool found = q.executeStep();
  q.reset();
  return found;
}

void write_server(ConnectionPool::Lease& conn, bool create, const ServerWrite& s,
                  const std::string& id) {
  auto& q = conn.prepare(
      create ? "INSERT INTO servers(name, description, expose_original_names, tags, updated_at, "
               "id, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?5)"
             : "UPDATE servers SET name = ?1, description = ?2, expose_original_names = ?3, "
               "tags = ?4, updated_at = ?5 WHERE id = ?6");
  q.bind(1, s.name);
  q.bind(2, s.description);
  q.bind(3, s.expose_original_names ? 1 : 0);
  q.bind(4, s.tags);
  q.bind(5, static_cast<int64_t>(unix_ms()));
  q.bind(6, id);
  q.exec();
  for (const auto kind : kKinds) {
    const auto& m = membership(kind);
    auto& clear = conn.prepare(m.clear);
    clear.bind(1, id);
    clear.exec();
    for (const auto& item : s.*m.write_ids) {
      auto& add = conn.prepare(m.insert);
      add.bind(1, id);
      add.bind(2, item);
      add.exec();
    }
  }
}

}  // namespace

std::vector<ServerRecord> SqliteServerRepository::page(const ListQuery& lq) {
  return translated([&] {
    const auto k = keyset_sql(lq);
    auto conn = pool_.acquire();
    auto& q = conn.prepare(kSelectServers + k.tail);
    bind_keyset(q, k);
    auto out = all_rows(q, read_server);
    for (auto& s : out)
      read_memberships(conn, s);
    return out;
  });
}

std::optional<ServerRecord> SqliteServerRepository::find(const std::string& id) {
  return translated([&] {
    auto conn = pool_.acquire();
    return find_server(conn, id);
  });
}

std::optional<ServerRecord> SqliteServerRepository::save(const std::string& id, bool create,
                                                         const Decide& decide) {
  return translated([&]() -> std::optional<ServerRecord> {
    auto conn = pool_.acquire();
    // IMMEDIATE: the write lock from the start, so that the read below is of the state the write
    // replaces (a deferred transaction could fail to upgrade after a concurrent commit).
    SQLite::Transaction tx(*conn, SQLite::TransactionBehavior::IMMEDIATE);
    const auto stored = create ? std::nullopt : find_server(conn, id);
    const auto write = decide(stored, [&conn](ServerItem kind, const std::string& item) {
      return item_exists(conn, kind, item);
    });
    if (!write) return std::nullopt;
    write_server(conn, create, *write, id);
    auto saved = find_server(conn, id);
    tx.commit();
    return saved;
  });
}

bool SqliteServerRepository::remove(const std::string& id) {
  return delete_by_id(pool_, "DELETE FROM servers WHERE id = ?", id);
}

}  // namespace mcpgw::store::sqlite
