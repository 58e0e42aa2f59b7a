#include "store/api_token_repository.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/json.hpp>

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
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array())
    if (item.is_string()) out.emplace_back(item.as_string());
  return out;
}

std::optional<std::int64_t> optional_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

ApiTokenRecord read_row(SQLite::Statement& q) {
  ApiTokenRecord r;
  r.id = q.getColumn(0).getString();
  r.name = q.getColumn(1).getString();
  r.token_hash = q.getColumn(2).getString();
  r.prefix = q.getColumn(3).getString();
  r.subject = q.getColumn(4).getString();
  r.scopes = from_json_array(q.getColumn(5).getString());
  r.servers = from_json_array(q.getColumn(6).getString());
  r.created_at = q.getColumn(7).getInt64();
  r.expires_at = optional_int(q.getColumn(8));
  r.revoked_at = optional_int(q.getColumn(9));
  return r;
}

const std::string kSelect = std::string("SELECT ") + kColumns + " FROM api_tokens";

std::optional<ApiTokenRecord> find_one(ConnectionPool& pool, const std::string& sql,
                                       const std::string& value) {
  auto db = pool.acquire();
  auto& q = db.prepare(sql);
  q.bind(1, value);
  if (!q.executeStep()) return std::nullopt;
  auto rec = read_row(q);
  q.reset();  // release the read snapshot now, not at the next use of the statement
  return rec;
}

}  // namespace

void ApiTokenRepository::insert(const ApiTokenRecord& rec) {
  static const std::string sql =
      std::string("INSERT INTO api_tokens(") + kColumns + ") VALUES(?,?,?,?,?,?,?,?,?,?)";
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
}

std::optional<ApiTokenRecord> ApiTokenRepository::find_by_hash(const std::string& token_hash) {
  static const std::string sql = kSelect + " WHERE token_hash = ?";
  return find_one(pool_, sql, token_hash);
}

std::optional<ApiTokenRecord> ApiTokenRepository::find_by_id(const std::string& id) {
  static const std::string sql = kSelect + " WHERE id = ?";
  return find_one(pool_, sql, id);
}

std::vector<ApiTokenRecord> ApiTokenRepository::page(const PageQuery& pq) {
  // Four fixed statement texts (filter or not, first page or not), so each is prepared once.
  std::string sql = kSelect + " WHERE 1";
  if (pq.name_contains) sql += " AND instr(lower(name), lower(?)) > 0";
  if (pq.after) sql += " AND (name, id) > (?, ?)";
  sql += " ORDER BY name, id LIMIT ?";
  auto db = pool_.acquire();
  auto& q = db.prepare(sql);
  int i = 1;
  if (pq.name_contains) q.bind(i++, *pq.name_contains);
  if (pq.after) {
    q.bind(i++, pq.after->first);
    q.bind(i++, pq.after->second);
  }
  q.bind(i, pq.limit);
  std::vector<ApiTokenRecord> out;
  while (q.executeStep())
    out.push_back(read_row(q));
  q.reset();
  return out;
}

std::vector<ApiTokenRecord> ApiTokenRepository::list() {
  static const std::string sql = kSelect + " ORDER BY created_at DESC, id";
  auto db = pool_.acquire();
  auto& q = db.prepare(sql);
  std::vector<ApiTokenRecord> out;
  while (q.executeStep())
    out.push_back(read_row(q));
  q.reset();
  return out;
}

bool ApiTokenRepository::revoke(const std::string& id, std::int64_t now_ms) {
  static const std::string sql =
      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
  auto db = pool_.acquire();
  auto& q = db.prepare(sql);
  q.bind(1, static_cast<int64_t>(now_ms));
  q.bind(2, id);
  return q.exec() == 1;
}

}  // namespace mcpgw::store
