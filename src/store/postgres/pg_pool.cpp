#include "store/postgres/pg_pool.h"

#include <libpq-fe.h>

#include <set>
#include <unordered_map>
#include <vector>

namespace mcpgw::store::postgres {
namespace {

// pg_type OIDs of the parameter types mcpgw binds.
constexpr Oid kInt8 = 20, kText = 25, kBytea = 17;
// Every write transaction of the catalog (and a migration) holds this transaction-scoped advisory
// lock: what SQLite's BEGIN IMMEDIATE gives, across every node of the database.
constexpr long long kWriteLock = 0x6d637067'00000001;  // "mcpg", 1

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultFree>;

// The $N a translated statement refers to.
std::set<int> referenced(const std::string& text) {
  std::set<int> out;
  char quote = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '$') {
      int n = 0;
      std::size_t j = i + 1;
      for (; j < text.size() && text[j] >= '0' && text[j] <= '9'; ++j)
        n = n * 10 + (text[j] - '0');
      if (j > i + 1) out.insert(n);
    }
  }
  return out;
}

class PgConnection final : public sql::Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }

  sql::Engine engine() const override { return sql::Engine::postgresql; }
  bool usable() const override { return PQstatus(conn_) == CONNECTION_OK && !broken_; }

  sql::Rows query(const std::string& text, const sql::Params& params) override {
    return rows_of(run(text, params).get());
  }

  std::int64_t exec(const std::string& text, const sql::Params& params) override {
    Result r = run(text, params);
    const char* n = PQcmdTuples(r.get());
    return n && *n ? std::stoll(n) : 0;
  }

  bool exec_unless_conflict(const std::string& text, const sql::Params& params) override {
    // A failed statement aborts a PostgreSQL transaction: a savepoint keeps the rest of it.
    if (in_tx_) script("SAVEPOINT mcpgw_statement");
    try {
      exec(text, params);
    } catch (const Conflict&) {
      if (in_tx_) script("ROLLBACK TO SAVEPOINT mcpgw_statement");
      return false;
    }
    if (in_tx_) script("RELEASE SAVEPOINT mcpgw_statement");
    return true;
  }

  void exec_script(const std::string& text) override { script(text); }

  void begin(sql::TxMode mode) override {
    if (mode == sql::TxMode::read) {
      script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    } else if (mode == sql::TxMode::plain || mode == sql::TxMode::rows) {
      script("BEGIN");
    } else {
      script("BEGIN");
      script("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLock) + ")");
    }
    in_tx_ = true;
  }
  void commit() override {
    in_tx_ = false;
    script("COMMIT");
  }
  void rollback() override {
    in_tx_ = false;
    script("ROLLBACK");
  }

 private:
  [[noreturn]] void fail(const PGresult* r, const std::string& what) {
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
      message.pop_back();
    if (PQstatus(conn_) != CONNECTION_OK || (state && std::string_view(state).substr(0, 2) == "08"))
      broken_ = true;
    if (state && std::string_view(state) == "23505") throw Conflict(message);
    throw DatabaseError("PostgreSQL: " + what + ": " + message);
  }

  void script(const std::string& text) {
    Result r(PQexec(conn_, text.c_str()));
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.get(), "statement failed");
  }

  // A statement's text in PostgreSQL's placeholders and the $N it names: worked out once per
  // text on this connection, not on every execution.
  struct Translation {
    std::string text;
    std::set<int> used;
  };
  const Translation& translation(const std::string& text) {
    auto it = translations_.find(text);
    if (it != translations_.end()) return it->second;
    std::string translated = sql::numbered_placeholders(text);
    auto used = referenced(translated);
    return translations_.emplace(text, Translation{std::move(translated), std::move(used)})
        .first->second;
  }

  // The name of the statement prepared for it with these parameter types.
  const std::string& prepared(const Translation& t, const std::vector<Oid>& types,
                              std::string key) {
    auto it = statements_.find(key);
    if (it != statements_.end()) return it->second;
    const std::string name = "mcpgw_" + std::to_string(statements_.size() + 1);
    Result r(PQprepare(conn_, name.c_str(), t.text.c_str(), static_cast<int>(types.size()),
                       types.data()));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(r.get(), "cannot prepare");
    return statements_.emplace(std::move(key), name).first->second;
  }

  Result run(const std::string& text, const sql::Params& params) {
    const Translation& t = translation(text);
    const auto& used = t.used;
    std::vector<Oid> types(params.size());
    std::vector<std::string> ints(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    std::string key = text;
    key += '\0';
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& p = params[i];
      // Text and NULL are typed by their use (a text literal fits any column); a parameter the
      // statement never names still needs a type.
      const bool unused = !used.count(static_cast<int>(i + 1));
      switch (p.kind()) {
        case sql::Param::Kind::null:
          types[i] = unused ? kText : 0;
          break;
        case sql::Param::Kind::integer:
          types[i] = kInt8;
          ints[i] = std::to_string(p.integer());
          values[i] = ints[i].c_str();
          break;
        case sql::Param::Kind::text:
          types[i] = unused ? kText : 0;
          values[i] = p.bytes().c_str();
          break;
        case sql::Param::Kind::blob:
          types[i] = kBytea;
          values[i] = p.bytes().data();
          lengths[i] = static_cast<int>(p.bytes().size());
          formats[i] = 1;
          break;
      }
      key += std::to_string(types[i]) + ",";
    }
    const std::string& name = prepared(t, types, std::move(key));
    Result r(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), values.data(),
                            lengths.data(), formats.data(), 0));
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.get(), "statement failed");
    return r;
  }

  static sql::Rows rows_of(const PGresult* r) {
    const int n = PQnfields(r), rows = PQntuples(r);
    std::vector<std::string> columns;
    for (int c = 0; c < n; ++c)
      columns.emplace_back(PQfname(r, c));
    std::vector<std::optional<std::string>> cells;
    cells.reserve(static_cast<std::size_t>(n) * rows);
    for (int i = 0; i < rows; ++i)
      for (int c = 0; c < n; ++c) {
        if (PQgetisnull(r, i, c)) {
          cells.emplace_back();
        } else if (PQftype(r, c) == kBytea) {
          std::size_t len = 0;
          auto* bytes =
              PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r, i, c)), &len);
          cells.emplace_back(std::string(reinterpret_cast<const char*>(bytes), len));
          PQfreemem(bytes);
        } else {
          cells.emplace_back(std::string(PQgetvalue(r, i, c), PQgetlength(r, i, c)));
        }
      }
    return sql::Rows(std::move(columns), std::move(cells));
  }

  PGconn* conn_;
  bool broken_ = false;
  bool in_tx_ = false;
  std::unordered_map<std::string, Translation> translations_;  // by the statement's text
  std::unordered_map<std::string, std::string> statements_;    // text + types -> prepared name
};

std::string seconds_text(std::chrono::milliseconds ms) {
  return std::to_string(std::max<long long>(1, (ms.count() + 999) / 1000));
}

}  // namespace

pg_conn* open_pgconn(const DatabaseOptions& opts) {
  const std::string timeout = seconds_text(opts.connect_timeout);
  const std::string user_timeout = std::to_string(opts.connect_timeout.count());
  // The URI's own parameters win over these defaults, but not over the password given apart.
  std::vector<const char*> keys = {
      "connect_timeout",     "application_name", "keepalives",       "keepalives_idle",
      "keepalives_interval", "keepalives_count", "tcp_user_timeout", "dbname"};
  std::vector<const char*> values = {timeout.c_str(),      "mcpgw",         "1", "10", "3", "3",
                                     user_timeout.c_str(), opts.url.c_str()};
  if (!opts.password.empty()) {
    keys.push_back("password");
    values.push_back(opts.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), 1);
  if (!conn) throw DatabaseError("cannot connect to " + describe(opts) + ": out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' '))
      why.pop_back();
    throw DatabaseError("cannot connect to " + describe(opts) + ": " + why);
  }
  return conn;
}

std::unique_ptr<sql::Connection> connect(const DatabaseOptions& opts) {
  auto c = std::make_unique<PgConnection>(open_pgconn(opts));
  // SET rather than the options keyword, which would replace options given in the URI.
  c->exec_script("SET statement_timeout = " + std::to_string(opts.statement_timeout.count()) +
                 "; SET idle_in_transaction_session_timeout = 60000");
  return c;
}

PgPool::PgPool(DatabaseOptions opts) : opts_(std::move(opts)) {}
PgPool::~PgPool() = default;

sql::Pool::Lease PgPool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + opts_.busy_timeout;
  while (idle_.empty() && open_ >= opts_.pool_size)
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= opts_.pool_size)
      throw DatabaseError("no PostgreSQL connection free within " +
                          std::to_string(opts_.busy_timeout.count()) + " ms (database.pool_size " +
                          std::to_string(opts_.pool_size) + ")");
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(c));
  }
  ++open_;
  lock.unlock();
  try {
    return Lease(*this, connect(opts_));
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

void PgPool::release(std::unique_ptr<sql::Connection> c) {
  std::deque<std::unique_ptr<sql::Connection>> dropped;
  {
    std::lock_guard lock(mutex_);
    if (c->usable()) {
      idle_.push_back(std::move(c));
    } else {
      // One broken connection (the server restarted, the network failed): the idle ones were
      // opened before it and are likely broken too. Drop them all rather than fail a request
      // on each in turn.
      --open_;
      open_ -= idle_.size();
      dropped.swap(idle_);
    }
  }
  returned_.notify_all();
  c.reset();
  dropped.clear();  // closed outside the lock
}

}  // namespace mcpgw::store::postgres
