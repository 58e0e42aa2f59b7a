#include "store/migrations.h"

#include "common/clock.h"

namespace mcpgw::store {
namespace {
constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

int newest_version(sql::Connection& db) {
  return static_cast<int>(
      db.query("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version")[0].integer("v"));
}
}  // namespace

int schema_version(sql::Connection& db) {
  try {
    return newest_version(db);
  } catch (const DatabaseError&) {
    return 0;  // no schema_version table: never migrated
  }
}

MigrationReport migrate(sql::Connection& db, const std::vector<Migration>& migrations) {
  MigrationReport report;
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  try {
    sql::Transaction tx(db, sql::TxMode::write);
    db.exec_script(kCreateVersionTable);
    report.from_version = newest_version(db);
    report.to_version = report.from_version;
    if (report.from_version > newest)
      throw MigrationError("database schema version " + std::to_string(report.from_version) +
                           " is newer than this mcpgw knows (" + std::to_string(newest) +
                           "); upgrade mcpgw or use a matching database");
    for (const Migration& m : migrations) {
      if (m.version <= report.from_version) continue;
      try {
        db.exec_script(m.sql);
      } catch (const DatabaseError& e) {
        throw MigrationError("migration " + m.name + " failed: " + e.what() +
                             " (nothing was changed)");
      }
      db.exec("INSERT INTO schema_version(version, name, applied_at) VALUES(?,?,?)",
              {m.version, m.name, static_cast<std::int64_t>(unix_ms())});
      report.applied.push_back(m.name);
      report.to_version = m.version;
    }
    tx.commit();
  } catch (const DatabaseError& e) {
    throw MigrationError(std::string("cannot migrate the database: ") + e.what());
  }
  return report;
}

}  // namespace mcpgw::store
