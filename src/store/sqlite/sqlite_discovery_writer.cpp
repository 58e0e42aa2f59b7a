#include <SQLiteCpp/SQLiteCpp.h>

#include <map>

#include "common/clock.h"
#include "common/crypto.h"
#include "store/sqlite/repositories.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store::sqlite {
namespace {

using RowsByKey = std::map<std::string, std::string>;  // upstream key -> row id

// One discovery being written: the transaction's connection and what it has done so far.
struct DiscoveryWrite {
  ConnectionPool::Lease& db;
  const std::string& gateway_id;
  const std::int64_t now;
  DiscoveryResult result;

  // The gateway's rows of one table by their upstream key; key_sql selects (id, key).
  RowsByKey existing(const char* key_sql) {
    auto& q = db.prepare(key_sql);
    q.bind(1, gateway_id);
    RowsByKey by_key;
    while (q.executeStep())
      by_key[q.getColumn("key").getString()] = q.getColumn("id").getString();
    q.reset();
    return by_key;
  }

  // Writes one item: into the row found under `key` (which then leaves `rows`), else into a new
  // row. Both statements number their parameters alike: 1..n the item's own columns (bound by
  // `bind`, which returns n), then n+1 the row id, n+2 the upstream's name or URI, n+3 the
  // gateway and n+4 the time. A UNIQUE clash (the name is another item's) skips the item. True
  // when stored.
  template <class Bind>
  bool upsert(RowsByKey& rows, const std::string& key, const std::string& original,
              const char* update_sql, const char* insert_sql, Bind bind, const std::string& what) {
    auto found = rows.find(key);
    const bool update = found != rows.end();
    const std::string id = update ? found->second : crypto::random_hex(8);
    if (update) rows.erase(found);
    auto& q = db.prepare(update ? update_sql : insert_sql);
    const int n = bind(q);
    q.bind(n + 1, id);
    q.bind(n + 2, original);
    q.bind(n + 3, gateway_id);
    q.bind(n + 4, now);
    try {
      q.exec();
      q.reset();
      return true;
    } catch (const SQLite::Exception& e) {
      // No reset after a failure: reset() repeats the step's error and would throw it again;
      // the next prepare() resets the cached statement.
      if (!is_unique_violation(e)) throw;
      result.skipped.push_back(what + ": the name is already taken");
      return false;
    }
  }

  // Deletes the rows the upstream no longer has.
  void remove_rest(const char* table, const RowsByKey& left) {
    auto& d = db.prepare(std::string("DELETE FROM ") + table + " WHERE id = ?");
    for (const auto& [key, id] : left) {
      d.bind(1, id);
      d.exec();
      d.reset();
    }
  }

  void tools(const std::vector<DiscoveredTool>& tools);
  void resources(const std::vector<DiscoveredResource>& resources);
  void prompts(const std::vector<DiscoveredPrompt>& prompts);
  void mark_healthy(const Discovery& d);
};

void DiscoveryWrite::tools(const std::vector<DiscoveredTool>& tools) {
  auto rows = existing("SELECT id, original_name AS key FROM tools WHERE gateway_id = ?");
  for (const auto& t : tools) {
    auto bind = [&t](SQLite::Statement& q) {
      q.bind(1, t.name);
      q.bind(2, t.description);
      q.bind(3, t.input_schema);
      if (t.output_schema) q.bind(4, *t.output_schema);
      q.bind(5, t.annotations);
      q.bind(6, t.definition);
      return 6;
    };
    if (upsert(rows, t.original_name, t.original_name,
               "UPDATE tools SET name = ?1, description = ?2, input_schema = ?3, "
               "output_schema = ?4, annotations = ?5, definition = ?6, updated_at = ?10 "
               "WHERE id = ?7 AND original_name = ?8 AND gateway_id = ?9",
               "INSERT INTO tools(name, description, input_schema, output_schema, annotations, "
               "definition, id, original_name, gateway_id, created_at, updated_at, "
               "integration_type) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, 'MCP')",
               bind, "tool " + t.original_name))
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
    auto bind = [&r](SQLite::Statement& q) {
      q.bind(1, r.uri);
      q.bind(2, r.name);
      q.bind(3, r.description);
      if (r.mime_type) q.bind(4, *r.mime_type);
      q.bind(5, r.is_template ? 1 : 0);
      q.bind(6, r.definition);
      return 6;
    };
    if (upsert(rows, (r.is_template ? "t:" : "r:") + r.original_uri, r.original_uri,
               "UPDATE resources SET uri = ?1, name = ?2, description = ?3, mime_type = ?4, "
               "is_template = ?5, definition = ?6, updated_at = ?10 "
               "WHERE id = ?7 AND original_uri = ?8 AND gateway_id = ?9",
               "INSERT INTO resources(uri, name, description, mime_type, is_template, "
               "definition, id, original_uri, gateway_id, created_at, updated_at) "
               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
               bind, (r.is_template ? "resource template " : "resource ") + r.original_uri))
      ++(r.is_template ? result.resource_templates : result.resources);
  }
  remove_rest("resources", rows);
}

void DiscoveryWrite::prompts(const std::vector<DiscoveredPrompt>& prompts) {
  auto rows = existing("SELECT id, original_name AS key FROM prompts WHERE gateway_id = ?");
  for (const auto& p : prompts) {
    auto bind = [&p](SQLite::Statement& q) {
      q.bind(1, p.name);
      q.bind(2, p.description);
      q.bind(3, p.arguments);
      q.bind(4, p.definition);
      return 4;
    };
    if (upsert(rows, p.original_name, p.original_name,
               "UPDATE prompts SET name = ?1, description = ?2, arguments = ?3, "
               "definition = ?4, updated_at = ?8 "
               "WHERE id = ?5 AND original_name = ?6 AND gateway_id = ?7",
               "INSERT INTO prompts(name, description, arguments, definition, id, "
               "original_name, gateway_id, created_at, updated_at) "
               "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
               bind, "prompt " + p.original_name))
      ++result.prompts;
  }
  remove_rest("prompts", rows);
}

// The gateway answered: healthy, seen now; last_error names what was not stored.
void DiscoveryWrite::mark_healthy(const Discovery& d) {
  auto& q = db.prepare(
      "UPDATE gateways SET status = 'healthy', last_seen_at = ?, last_error = ?, "
      "capabilities = ?, server_info = ?, protocol_version = ? WHERE id = ?");
  q.bind(1, now);
  if (!result.skipped.empty()) {
    std::string why = "not stored: ";
    for (std::size_t i = 0; i < result.skipped.size(); ++i)
      why += (i ? "; " : "") + result.skipped[i];
    q.bind(2, why);
  }
  q.bind(3, d.capabilities);
  q.bind(4, d.server_info);
  q.bind(5, d.protocol_version);
  q.bind(6, gateway_id);
  q.exec();
  q.reset();
}

std::string slug_of(ConnectionPool::Lease& db, const std::string& gateway_id) {
  auto& q = db.prepare("SELECT slug FROM gateways WHERE id = ?");
  q.bind(1, gateway_id);
  auto slug =
      first_row(q, [](const SQLite::Statement& r) { return r.getColumn("slug").getString(); });
  return slug.value_or("");
}

}  // namespace

DiscoveryResult SqliteDiscoveryWriter::store_discovery(
    const std::string& gateway_id,
    const std::function<Discovery(const std::string& slug)>& describe) {
  return translated([&] {
    auto db = pool_.acquire();
    SQLite::Transaction tx(*db, SQLite::TransactionBehavior::IMMEDIATE);
    const std::string slug = slug_of(db, gateway_id);
    if (slug.empty()) {
      DiscoveryResult gone;
      gone.gateway_found = false;
      return gone;
    }
    const Discovery d = describe(slug);
    DiscoveryWrite w{db, gateway_id, static_cast<std::int64_t>(unix_ms()), {}};
    w.tools(d.tools);
    w.resources(d.resources);
    w.prompts(d.prompts);
    w.mark_healthy(d);
    tx.commit();
    return std::move(w.result);
  });
}

void SqliteDiscoveryWriter::record_status(const std::string& gateway_id, const std::string& status,
                                          const std::string& error, bool seen) {
  translated([&] {
    auto conn = pool_.acquire();
    auto& q = conn.prepare(
        "UPDATE gateways SET status = ?, last_error = ?, last_seen_at = CASE WHEN ? THEN ? "
        "ELSE last_seen_at END WHERE id = ?");
    q.bind(1, status);
    if (!error.empty()) q.bind(2, error);
    q.bind(3, seen ? 1 : 0);
    q.bind(4, static_cast<std::int64_t>(unix_ms()));
    q.bind(5, gateway_id);
    q.exec();
    q.reset();
  });
}

}  // namespace mcpgw::store::sqlite
