#include "store/sql/sql_api_token_repository.h"

#include "store/sql/keyset.h"
#include "store/sql/repositories.h"

namespace mcpgw::store {
namespace {

constexpr const char* kColumns =
    "id, name, token_hash, prefix, subject, scopes, servers, created_at, expires_at, revoked_at";

ApiTokenRecord read_row(const sql::Rows::Row& q) {
  ApiTokenRecord r;
  r.id = q.text("id");
  r.name = q.text("name");
  r.token_hash = q.text("token_hash");
  r.prefix = q.text("prefix");
  r.subject = q.text("subject");
  r.scopes = sql::from_json_array(q.text("scopes"));
  r.servers = sql::from_json_array(q.text("servers"));
  r.created_at = q.integer("created_at");
  r.expires_at = q.optional_integer("expires_at");
  r.revoked_at = q.optional_integer("revoked_at");
  return r;
}

const std::string kSelect = std::string("SELECT ") + kColumns + " FROM api_tokens";

std::optional<ApiTokenRecord> find_one(sql::Pool& pool, const std::string& statement,
                                       const std::string& value) {
  const auto rows = pool.acquire()->query(statement, {value});
  if (rows.empty()) return std::nullopt;
  return read_row(rows[0]);
}

sql::Param optional_ms(const std::optional<std::int64_t>& ms) {
  if (!ms) return nullptr;
  return *ms;
}

}  // namespace

void SqlApiTokenRepository::insert(const ApiTokenRecord& rec) {
  // Spelled out, not kColumns + ...: GCC 12 warns falsely (array-bounds) on that concatenation.
  constexpr const char* statement =
      "INSERT INTO api_tokens(id, name, token_hash, prefix, subject, scopes, servers, created_at, "
      "expires_at, revoked_at) VALUES(?,?,?,?,?,?,?,?,?,?)";
  pool_.acquire()->exec(statement, {rec.id, rec.name, rec.token_hash, rec.prefix, rec.subject,
                                    sql::to_json_array(rec.scopes), sql::to_json_array(rec.servers),
                                    static_cast<std::int64_t>(rec.created_at),
                                    optional_ms(rec.expires_at), optional_ms(rec.revoked_at)});
}

std::optional<ApiTokenRecord> SqlApiTokenRepository::find_by_hash(const std::string& token_hash) {
  static const std::string statement = kSelect + " WHERE token_hash = ?";
  return find_one(pool_, statement, token_hash);
}

std::optional<ApiTokenRecord> SqlApiTokenRepository::find_by_id(const std::string& id) {
  static const std::string statement = kSelect + " WHERE id = ?";
  return find_one(pool_, statement, id);
}

std::vector<ApiTokenRecord> SqlApiTokenRepository::page(const PageQuery& pq) {
  auto conn = pool_.acquire();
  // Four fixed statement texts per engine (filter or not, first page or not), so each is
  // prepared once.
  std::string statement = kSelect + " WHERE 1 = 1";
  sql::Params params;
  if (pq.name_contains) {
    statement += " AND " + sql::contains_condition(conn->engine(), "name");
    params.emplace_back(*pq.name_contains);
  }
  if (pq.after) {
    statement += " AND (name, id) > (?, ?)";
    params.emplace_back(pq.after->first);
    params.emplace_back(pq.after->second);
  }
  statement += " ORDER BY name, id LIMIT ?";
  params.emplace_back(pq.limit);
  return conn->query(statement, params).map(read_row);
}

std::vector<ApiTokenRecord> SqlApiTokenRepository::list() {
  static const std::string statement = kSelect + " ORDER BY created_at DESC, id";
  return pool_.acquire()->query(statement).map(read_row);
}

bool SqlApiTokenRepository::revoke(const std::string& id, std::int64_t now_ms) {
  return pool_.acquire()->exec(
             "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
             {now_ms, id}) == 1;
}

}  // namespace mcpgw::store
