#include "common/clock.h"
#include "store/sql/keyset.h"
#include "store/sql/repositories.h"

namespace mcpgw::store::sql {
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
    return Membership{
        ids,
        write_ids,
        "SELECT " + col + " FROM " + t + " WHERE server_id = ? ORDER BY " + col,
        "SELECT 1 FROM " + it + " WHERE id = ?",
        "DELETE FROM " + t + " WHERE server_id = ?",
        "INSERT INTO " + t + "(server_id, " + col + ") VALUES(?, ?) ON CONFLICT DO NOTHING"};
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

ServerRecord read_server(const Rows::Row& q) {
  ServerRecord s;
  s.id = q.text("id");
  s.name = q.text("name");
  s.description = q.text("description");
  s.expose_original_names = q.boolean("expose_original_names");
  s.tags = q.optional_text("tags");
  s.created_at = q.optional_integer("created_at");
  s.updated_at = q.optional_integer("updated_at");
  return s;
}

// Fills the server's membership lists.
void read_memberships(Connection& conn, ServerRecord& s) {
  for (const auto kind : kKinds) {
    const auto& m = membership(kind);
    s.*m.ids = conn.query(m.select_ids, {s.id}).map([](const Rows::Row& r) {
      return r.cell(std::size_t{0}).value_or("");
    });
  }
}

std::optional<ServerRecord> find_server(Connection& conn, const std::string& id) {
  const auto rows = conn.query(kSelectServers + " WHERE id = ?", {id});
  if (rows.empty()) return std::nullopt;
  auto s = read_server(rows[0]);
  read_memberships(conn, s);
  return s;
}

bool item_exists(Connection& conn, ServerItem kind, const std::string& id) {
  return !conn.query(membership(kind).exists, {id}).empty();
}

void write_server(Connection& conn, bool create, const ServerWrite& s, const std::string& id) {
  conn.exec(create ? "INSERT INTO servers(name, description, expose_original_names, tags, "
                     "updated_at, id, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?5)"
                   : "UPDATE servers SET name = ?1, description = ?2, expose_original_names = ?3, "
                     "tags = ?4, updated_at = ?5 WHERE id = ?6",
            {s.name, s.description, s.expose_original_names, s.tags,
             static_cast<std::int64_t>(unix_ms()), id});
  for (const auto kind : kKinds) {
    const auto& m = membership(kind);
    conn.exec(m.clear, {id});
    for (const auto& item : s.*m.write_ids)
      conn.exec(m.insert, {id, item});
  }
}

}  // namespace

std::vector<ServerRecord> SqlServerRepository::page(const ListQuery& lq) {
  auto conn = pool_.acquire();
  const auto k = keyset_sql(lq, conn->engine());
  auto out = conn->query(kSelectServers + k.tail, k.params).map(read_server);
  for (auto& s : out)
    read_memberships(*conn, s);
  return out;
}

std::optional<ServerRecord> SqlServerRepository::find(const std::string& id) {
  auto conn = pool_.acquire();
  return find_server(*conn, id);
}

std::optional<ServerRecord> SqlServerRepository::save(const std::string& id, bool create,
                                                      const Decide& decide) {
  auto conn = pool_.acquire();
  Transaction tx(*conn, TxMode::write);
  const auto stored = create ? std::nullopt : find_server(*conn, id);
  const auto write = decide(stored, [&conn](ServerItem kind, const std::string& item) {
    return item_exists(*conn, kind, item);
  });
  if (!write) return std::nullopt;
  write_server(*conn, create, *write, id);
  auto saved = find_server(*conn, id);
  tx.commit();
  return saved;
}

bool SqlServerRepository::remove(const std::string& id) {
  return delete_by_id(pool_, "DELETE FROM servers WHERE id = ?", id);
}

}  // namespace mcpgw::store::sql
