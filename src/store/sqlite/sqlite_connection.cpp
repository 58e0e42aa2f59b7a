#include "store/sqlite/sqlite_connection.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <unordered_map>

#include "store/database.h"

namespace mcpgw::store::sqlite {
namespace {

// Runs f, turning SQLiteCpp's exceptions into the store's own: a UNIQUE or PRIMARY KEY violation
// into Conflict, anything else into DatabaseError, each with SQLite's message.
template <class F>
decltype(auto) translated(F&& f) {
  try {
    return std::forward<F>(f)();
  } catch (const SQLite::Exception& e) {
    if (is_unique_violation(e)) throw Conflict(e.what());
    throw DatabaseError(e.what());
  }
}

class SqliteConnection final : public sql::Connection {
 public:
  explicit SqliteConnection(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}

  sql::Engine engine() const override { return sql::Engine::sqlite; }

  sql::Rows query(const std::string& text, const sql::Params& params) override {
    return translated([&] {
      auto& q = bound(text, params);
      std::vector<std::string> columns;
      const int n = q.getColumnCount();
      for (int i = 0; i < n; ++i)
        columns.emplace_back(q.getColumnName(i));
      std::vector<std::optional<std::string>> cells;
      while (q.executeStep())
        for (int i = 0; i < n; ++i) {
          const auto c = q.getColumn(i);
          if (c.isNull())
            cells.emplace_back();
          else
            cells.emplace_back(c.getString());  // a BLOB's bytes as they are
        }
      // Reset now: the read snapshot ends here, not at the next use of the cached statement.
      q.reset();
      return sql::Rows(std::move(columns), std::move(cells));
    });
  }

  std::int64_t exec(const std::string& text, const sql::Params& params) override {
    return translated([&] {
      auto& q = bound(text, params);
      const int changed = q.exec();
      q.reset();
      return static_cast<std::int64_t>(changed);
    });
  }

  // SQLite undoes a failed statement by itself and keeps the transaction.
  bool exec_unless_conflict(const std::string& text, const sql::Params& params) override {
    try {
      exec(text, params);
      return true;
    } catch (const Conflict&) {
      return false;
    }
  }

  void exec_script(const std::string& text) override {
    translated([&] { db_->exec(text); });
  }

  void begin(sql::TxMode mode) override {
    // IMMEDIATE: the write lock from the start, so that what the transaction reads is the state
    // its write replaces (a deferred transaction could fail to upgrade after another's commit).
    const bool writes_first = mode == sql::TxMode::write || mode == sql::TxMode::rows;
    exec_script(writes_first ? "BEGIN IMMEDIATE" : "BEGIN");  // read, plain: deferred
  }
  void commit() override { exec_script("COMMIT"); }
  void rollback() override { exec_script("ROLLBACK"); }

 private:
  SQLite::Statement& bound(const std::string& text, const sql::Params& params) {
    auto& slot = statements_[text];
    if (!slot) {
      slot = std::make_unique<SQLite::Statement>(*db_, text);
    } else {
      // tryReset, not reset: sqlite3_reset repeats the error of the statement's last step, and
      // reset() would throw it again here (a UNIQUE violation answered 409 once would answer
      // every later use of the statement on this connection with the same 409).
      slot->tryReset();
      slot->clearBindings();
    }
    auto& q = *slot;
    // `?N` takes index N and plain `?` the next one: binding by position fits both.
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i + 1);
      const auto& p = params[i];
      switch (p.kind()) {
        case sql::Param::Kind::null:
          q.bind(at);
          break;
        case sql::Param::Kind::integer:
          q.bind(at, static_cast<int64_t>(p.integer()));
          break;
        case sql::Param::Kind::text:
          q.bind(at, p.bytes());
          break;
        case sql::Param::Kind::blob:
          q.bind(at, p.bytes().data(), static_cast<int>(p.bytes().size()));
          break;
      }
    }
    return q;
  }

  std::unique_ptr<SQLite::Database> db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace

SqlitePool::SqlitePool(DatabaseOptions opts) : opts_(std::move(opts)) {}
SqlitePool::~SqlitePool() = default;

sql::Pool::Lease SqlitePool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(c));
    }
  }
  return Lease(*this, std::make_unique<SqliteConnection>(open_connection(opts_)));
}

void SqlitePool::release(std::unique_ptr<sql::Connection> c) {
  if (!c->usable()) return;
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(c));
}

}  // namespace mcpgw::store::sqlite
