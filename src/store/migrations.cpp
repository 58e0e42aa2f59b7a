#include "store/migrations.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>

namespace mcpgw::store {
namespace {
constexpr const char* kCreateVersionTable =
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

int schema_version(SQLite::Database& db) {
  if (!db.tableExists("schema_version")) return 0;
  SQLite::Statement q(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
  q.executeStep();
  return q.getColumn(0).getInt();
}

MigrationReport migrate(SQLite::Database& db, const std::vector<Migration>& migrations) {
  MigrationReport report;
  const int newest = migrations.empty() ? 0 : migrations.back().version;
  try {
    // IMMEDIATE: take the write lock first, so two processes migrating at once serialize.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    db.exec(kCreateVersionTable);
    report.from_version = schema_version(db);
    report.to_version = report.from_version;
    if (report.from_version > newest)
      throw MigrationError("database schema version " + std::to_string(report.from_version) +
                           " is newer than this mcpgw knows (" + std::to_string(newest) +
                           "); upgrade mcpgw or use a matching database");
    for (const Migration& m : migrations) {
      if (m.version <= report.from_version) continue;
      try {
        db.exec(m.sql);
      } catch (const SQLite::Exception& e) {
        throw MigrationError("migration " + m.name + " failed: " + e.what() +
                             " (nothing was changed)");
      }
      SQLite::Statement ins(db,
                            "INSERT INTO schema_version(version, name, applied_at) VALUES(?,?,?)");
      ins.bind(1, m.version);
      ins.bind(2, m.name);
      ins.bind(3, static_cast<int64_t>(now_ms()));
      ins.exec();
      report.applied.push_back(m.name);
      report.to_version = m.version;
    }
    tx.commit();
  } catch (const SQLite::Exception& e) {
    throw MigrationError(std::string("cannot migrate the database: ") + e.what());
  }
  return report;
}

}  // namespace mcpgw::store
