#include <map>

#include "common/clock.h"
#include "common/crypto.h"
#include "store/sql/repositories.h"

namespace mcpgw::store::sql {
namespace {

using RowsByKey = std::map<std::string, std::string>;  // upstream key -> row id

// One discovery being written: the transaction's connection and what it has done so far.
struct DiscoveryWrite {
  Connection& db;
  const std::string& gateway_id;
  const std::int64_t now;
  DiscoveryResult result;

  // The gateway's rows of one table by their upstream key; key_sql selects (id, key).
  RowsByKey existing(const char* key_sql) {
    RowsByKey by_key;
    const auto rows = db.query(key_sql, {gateway_id});
    for (std::size_t i = 0; i < rows.size(); ++i)
      by_key[rows[i].text("key")] = rows[i].text("id");
    return by_key;
  }

  // Writes one item: into the row found under `key` (which then leaves `rows`), else into a new
  // row. Both statements number their parameters alike: 1..n the item's own columns (`own`),
  // then n+1 the row id, n+2 the upstream's name or URI, n+3 the gateway and n+4 the time. A
  // UNIQUE clash (the name is another item's) skips the item. True when stored.
  bool upsert(RowsByKey& rows, const std::string& key, const std::string& original,
              const char* update_sql, const char* insert_sql, Params own, const std::string& what) {
    auto found = rows.find(key);
    const bool update = found != rows.end();
    const std::string id = update ? found->second : crypto::random_hex(8);
    if (update) rows.erase(found);
    own.emplace_back(id);
    own.emplace_back(original);
    own.emplace_back(gateway_id);
    own.emplace_back(now);
    if (db.exec_unless_conflict(update ? update_sql : insert_sql, own)) return true;
    result.skipped.push_back(what + ": the name is already taken");
    return false;
  }

  // Deletes the rows the upstream no longer has.
  void remove_rest(const char* table, const RowsByKey& left) {
    const std::string sql = std::string("DELETE FROM ") + table + " WHERE id = ?";
    for (const auto& [key, id] : left)
      db.exec(sql, {id});
  }

  void tools(const std::vector<DiscoveredTool>& tools);
  void resources(const std::vector<DiscoveredResource>& resources);
  void prompts(const std::vector<DiscoveredPrompt>& prompts);
  void mark_healthy(const Discovery& d);
};

void DiscoveryWrite::tools(const std::vector<DiscoveredTool>& tools) {
  auto rows = existing("SELECT id, original_name AS key FROM tools WHERE gateway_id = ?");
  for (const auto& t : tools) {
    if (upsert(
            rows, t.original_name, t.original_name,
            "UPDATE tools SET name = ?1, description = ?2, input_schema = ?3, "
            "output_schema = ?4, annotations = ?5, definition = ?6, updated_at = ?10 "
            "WHERE id = ?7 AND original_name = ?8 AND gateway_id = ?9",
            "INSERT INTO tools(name, description, input_schema, output_schema, annotations, "
            "definition, id, original_name, gateway_id, created_at, updated_at, "
            "integration_type) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 'MCP')",
            {t.name, t.description, t.input_schema, t.output_schema, t.annotations, t.definition},
            "tool " + t.original_name))
      ++result.tools;
  }
  remove_rest("tools", rows);
}

void DiscoveryWrite::resources(const std::vector<DiscoveredResource>& resources) {
  // Keyed by kind and upstream URI: a resource and a template may share a URI.
  auto rows = existing(
      "SELECT id, (CASE is_template WHEN 1 THEN 't:' ELSE 'r:' END) || original_uri AS key FROM "
      "resources WHERE gateway_id = ?");
  for (const auto& r : resources) {
    if (upsert(rows, (r.is_template ? "t:" : "r:") + r.original_uri, r.original_uri,
               "UPDATE resources SET uri = ?1, name = ?2, description = ?3, mime_type = ?4, "
               "is_template = ?5, definition = ?6, updated_at = ?10 "
               "WHERE id = ?7 AND original_uri = ?8 AND gateway_id = ?9",
               "INSERT INTO resources(uri, name, description, mime_type, is_template, "
               "definition, id, original_uri, gateway_id, created_at, updated_at) "
               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
               {r.uri, r.name, r.description, r.mime_type, r.is_template, r.definition},
               (r.is_template ? "resource template " : "resource ") + r.original_uri))
      ++(r.is_template ? result.resource_templates : result.resources);
  }
  remove_rest("resources", rows);
}

void DiscoveryWrite::prompts(const std::vector<DiscoveredPrompt>& prompts) {
  auto rows = existing("SELECT id, original_name AS key FROM prompts WHERE gateway_id = ?");
  for (const auto& p : prompts) {
    if (upsert(rows, p.original_name, p.original_name,
               "UPDATE prompts SET name = ?1, description = ?2, arguments = ?3, "
               "definition = ?4, updated_at = ?8 "
               "WHERE id = ?5 AND original_name = ?6 AND gateway_id = ?7",
               "INSERT INTO prompts(name, description, arguments, definition, id, "
               "original_name, gateway_id, created_at, updated_at) "
               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
               {p.name, p.description, p.arguments, p.definition}, "prompt " + p.original_name))
      ++result.prompts;
  }
  remove_rest("prompts", rows);
}

// The gateway answered: healthy, seen now; last_error names what was not stored.
void DiscoveryWrite::mark_healthy(const Discovery& d) {
  std::optional<std::string> why;
  if (!result.skipped.empty()) {
    why = "not stored: ";
    for (std::size_t i = 0; i < result.skipped.size(); ++i)
      *why += (i ? "; " : "") + result.skipped[i];
  }
  db.exec(
      "UPDATE gateways SET status = 'healthy', last_seen_at = ?, last_error = ?, "
      "capabilities = ?, server_info = ?, protocol_version = ? WHERE id = ?",
      {now, why, d.capabilities, d.server_info, d.protocol_version, gateway_id});
}

std::string slug_of(Connection& db, const std::string& gateway_id) {
  const auto rows = db.query("SELECT slug FROM gateways WHERE id = ?", {gateway_id});
  return rows.empty() ? "" : rows[0].text("slug");
}

}  // namespace

DiscoveryResult SqlDiscoveryWriter::store_discovery(
    const std::string& gateway_id,
    const std::function<Discovery(const std::string& slug)>& describe) {
  auto db = pool_.acquire();
  Transaction tx(*db, TxMode::write);
  const std::string slug = slug_of(*db, gateway_id);
  if (slug.empty()) {
    DiscoveryResult gone;
    gone.gateway_found = false;
    return gone;
  }
  const Discovery d = describe(slug);
  DiscoveryWrite w{*db, gateway_id, static_cast<std::int64_t>(unix_ms()), {}};
  w.tools(d.tools);
  w.resources(d.resources);
  w.prompts(d.prompts);
  w.mark_healthy(d);
  tx.commit();
  return std::move(w.result);
}

void SqlDiscoveryWriter::record_status(const std::string& gateway_id, const std::string& status,
                                       const std::string& error, bool seen) {
  std::optional<std::string> err;
  if (!error.empty()) err = error;
  pool_.acquire()->exec(
      "UPDATE gateways SET status = ?1, last_error = ?2, last_seen_at = CASE WHEN ?3 = 1 THEN ?4 "
      "ELSE last_seen_at END WHERE id = ?5",
      {status, err, seen, static_cast<std::int64_t>(unix_ms()), gateway_id});
}

}  // namespace mcpgw::store::sql
