#include "store/sqlite/sqlite_api_token_repository.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/json.hpp>

#include "common/json_parse.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store {
namespace {

constexpr const char* kColumns =
    "id, name, token_hash, prefix, subject, scopes, servers, created_at, expires_at, revoked_at";

std::string to_json_array(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& s : items)
    a.emplace_back(s);
  return boost::json::serialize(a);
}

std::vector<std::string> from_json_array(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array())
    if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

ApiTokenRecord read_row(const SQLite::Statement& q) {
  ApiTokenRecord r;
  r.id = q.getColumn("id").getString();
  r.name = q.getColumn("name").getString();
  r.token_hash = q.getColumn("token_hash").getString();
  r.prefix = q.getColumn("prefix").getString();
  r.subject = q.getColumn("subject").getString();
  r.scopes = from_json_array(q.getColumn("scopes").getString());
  r.servers = from_json_array(q.getColumn("servers").getString());
  r.created_at = q.getColumn("created_at").getInt64();
  r.expires_at = sqlite::optional_int(q.getColumn("expires_at"));
  r.revoked_at = sqlite::optional_int(q.getColumn("revoked_at"));
  return r;
}

const std::string kSelect = std::string("SELECT ") + kColumns + " FROM api_tokens";

std::optional<ApiTokenRecord> find_one(ConnectionPool& pool, const std::string& sql,
                                       const std::string& value) {
  return sqlite::translated([&] {
    auto db = pool.acquire();
    auto& q = db.prepare(sql);
    q.bind(1, value);
    return sqlite::first_row(q, read_row);
  });
}

}  // namespace

void SqliteApiTokenRepository::insert(const ApiTokenRecord& rec) {
  static const std::string sql =
      std::string("INSERT INTO api_tokens(") + kColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?)";
  sqlite::translated([&] {
    auto db = pool_.acquire();
    auto& q = db.prepare(sql);
    q.bind(1, rec.id);
    q.bind(2, rec.name);
    q.bind(3, rec.token_hash);
    q.bind(4, rec.prefix);
    q.bind(5, rec.subject);
    q.bind(6, to_json_array(rec.scopes));
    q.bind(7, to_json_array(rec.servers));
    q.bind(8, static_cast<int64_t>(rec.created_at));
    if (rec.expires_at) q.bind(9, static_cast<int64_t>(*rec.expires_at));
    if (rec.revoked_at) q.bind(10, static_cast<int64_t>(*rec.revoked_at));
    q.exec();
  });
}

std::optional<ApiTokenRecord> SqliteApiTokenRepository::find_by_hash(
    const std::string& token_hash) {
  static const std::string sql = kSelect + " WHERE token_hash = ?";
  return find_one(pool_, sql, token_hash);
}

std::optional<ApiTokenRecord> SqliteApiTokenRepository::find_by_id(const std::string& id) {
  static const std::string sql = kSelect + " WHERE id = ?";
  return find_one(pool_, sql, id);
}

std::vector<ApiTokenRecord> SqliteApiTokenRepository::page(const PageQuery& pq) {
  // Four fixed statement texts (filter or not, first page or not), so each is prepared once.
  std::string sql = kSelect + " WHERE 1";
  if (pq.name_contains) sql += " AND instr(lower(name), lower(?)) > 0";
  if (pq.after) sql += " AND (name, id) > (?, ?)";
  sql += " ORDER BY name, id LIMIT ?";
  return sqlite::translated([&] {
    auto db = pool_.acquire();
    auto& q = db.prepare(sql);
    int i = 1;
    if (pq.name_contains) q.bind(i++, *pq.name_contains);
    if (pq.after) {
      q.bind(i++, pq.after->first);
      q.bind(i++, pq.after->second);
    }
    q.bind(i, pq.limit);
    return sqlite::all_rows(q, read_row);
  });
}

std::vector<ApiTokenRecord> SqliteApiTokenRepository::list() {
  static const std::string sql = kSelect + " ORDER BY created_at DESC, id";
  return sqlite::translated([&] {
    auto db = pool_.acquire();
    auto& q = db.prepare(sql);
    return sqlite::all_rows(q, read_row);
  });
}

bool SqliteApiTokenRepository::revoke(const std::string& id, std::int64_t now_ms) {
  static const std::string sql =
      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
  return sqlite::translated([&] {
    auto db = pool_.acquire();
    auto& q = db.prepare(sql);
    q.bind(1, static_cast<int64_t>(now_ms));
    q.bind(2, id);
    return q.exec() == 1;
  });
}

}  // namespace mcpgw::store
