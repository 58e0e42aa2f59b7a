#pragma once
// The one SQL interface the store's repositories are written against, whatever engine is behind
// it (store/sqlite/, store/postgres/). Inside store/ only: layers above see the repository
// interfaces of store/*.h and never a statement.
//
// Statements number their parameters `?1`, `?2`, ... or use plain `?` in order (not both in
// one statement); each engine binds them its own way. SQL is written in the dialect both engines
// share (upserts with ON CONFLICT, row-value comparisons, CAST); where they differ a repository
// asks `engine()`.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/errors.h"

namespace mcpgw::store::sql {

enum class Engine { sqlite, postgresql };
std::string_view engine_name(Engine e);

// Bytes that are not text (sealed credentials): bound and stored as BLOB / BYTEA.
struct Blob {
  std::string bytes;
};

// A statement parameter: NULL, an integer, text or bytes. Booleans are the integers 0 and 1.
class Param {
 public:
  enum class Kind { null, integer, text, blob };
  Param(std::nullptr_t) {}
  Param(std::int64_t v) : kind_(Kind::integer), int_(v) {}
  Param(int v) : Param(static_cast<std::int64_t>(v)) {}
  Param(bool v) : Param(static_cast<std::int64_t>(v ? 1 : 0)) {}
  Param(std::string v) : kind_(Kind::text), text_(std::move(v)) {}
  Param(const char* v) : Param(std::string(v)) {}
  Param(const std::optional<std::string>& v) {
    if (v) *this = Param(*v);
  }
  Param(Blob b) : kind_(Kind::blob), text_(std::move(b.bytes)) {}
  Param(const std::optional<Blob>& b) {
    if (b) *this = Param(*b);
  }

  Kind kind() const { return kind_; }
  std::int64_t integer() const { return int_; }
  const std::string& bytes() const { return text_; }  // text or blob

 private:
  Kind kind_ = Kind::null;
  std::int64_t int_ = 0;
  std::string text_;
};
using Params = std::vector<Param>;

// The rows a query returned, read into memory. Cells are the engine's text of the value (bytes
// for a BLOB/BYTEA, "1"/"t" or "0"/"f" for a boolean); a missing column name is a programming
// error (DatabaseError).
class Rows {
 public:
  Rows() = default;
  Rows(std::vector<std::string> columns, std::vector<std::optional<std::string>> cells);

  class Row {
   public:
    Row(const Rows& rows, std::size_t index) : rows_(&rows), index_(index) {}
    const std::optional<std::string>& cell(std::string_view column) const;
    const std::optional<std::string>& cell(std::size_t column) const;
    std::string text(std::string_view column) const;  // NULL reads ""
    std::optional<std::string> optional_text(std::string_view column) const;
    std::int64_t integer(std::string_view column) const;  // NULL reads 0
    std::optional<std::int64_t> optional_integer(std::string_view column) const;
    bool boolean(std::string_view column) const;

   private:
    const Rows* rows_;
    std::size_t index_;
  };

  std::size_t size() const { return columns_.empty() ? 0 : cells_.size() / columns_.size(); }
  bool empty() const { return size() == 0; }
  Row operator[](std::size_t i) const { return Row(*this, i); }
  std::optional<Row> first() const;

  // Each row read by read(row), in order.
  template <class Read>
  auto map(Read read) const {
    std::vector<decltype(read(std::declval<Row>()))> out;
    out.reserve(size());
    for (std::size_t i = 0; i < size(); ++i)
      out.push_back(read(Row(*this, i)));
    return out;
  }

 private:
  friend class Row;
  std::size_t column_index(std::string_view name) const;
  std::vector<std::string> columns_;
  std::vector<std::optional<std::string>> cells_;  // row-major
};

enum class TxMode {
  // An ordinary transaction (SQLite: deferred; PostgreSQL: read committed), for writes that
  // decide nothing from what they read (queued session and event writes).
  plain,
  // One consistent snapshot for every statement of the transaction.
  read,
  // Reads rows, then writes them as what it read decides, serialized by those rows alone: on
  // PostgreSQL an ordinary transaction (the rows' locks); SQLite takes its write lock at BEGIN
  // (a deferred transaction that has read is refused the upgrade at once, "database is locked",
  // while another connection writes).
  rows,
  // Serialized with every other write transaction on the database from its first statement
  // (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock, so across nodes
  // too), so that what it reads is the state it replaces.
  write,
};

// One connection, used by one thread at a time. Every call throws only the store's errors:
// Conflict for a UNIQUE or PRIMARY KEY violation, DatabaseError for anything else.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Engine engine() const = 0;
  virtual Rows query(const std::string& sql, const Params& params = {}) = 0;
  // The number of rows the statement changed.
  virtual std::int64_t exec(const std::string& sql, const Params& params = {}) = 0;
  // Like exec, but a UNIQUE violation undoes only this statement and returns false: the rest of
  // the transaction stands.
  virtual bool exec_unless_conflict(const std::string& sql, const Params& params) = 0;
  // Several statements without parameters, as one script (a migration).
  virtual void exec_script(const std::string& sql) = 0;
  virtual void begin(TxMode mode) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // False once the connection is known to be broken; its pool then discards it.
  virtual bool usable() const { return true; }
};

// Begins on construction; rolls back on destruction unless committed.
class Transaction {
 public:
  Transaction(Connection& c, TxMode mode) : c_(c) { c_.begin(mode); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    c_.commit();
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

// Connections for one database. acquire() throws DatabaseError when none can be had within the
// pool's timeout (all busy, or the database unreachable).
class Pool {
 public:
  virtual ~Pool() = default;

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> c) : pool_(&pool), c_(std::move(c)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), c_(std::move(o.c_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (c_) pool_->release(std::move(c_));
    }
    Connection& operator*() const { return *c_; }
    Connection* operator->() const { return c_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> c_;
  };

  virtual Engine engine() const = 0;
  virtual Lease acquire() = 0;

 protected:
  friend class Lease;
  virtual void release(std::unique_ptr<Connection> c) = 0;
};

// An SQL expression for now in epoch ms by the database's clock: the one clock all the nodes of a
// database share (leases then do not depend on the nodes' clocks agreeing).
std::string now_ms_expression(Engine e);

// `?N` and `?` placeholders as PostgreSQL's `$N`; quoted literals and identifiers are left as
// they are.
std::string numbered_placeholders(std::string_view sql);

}  // namespace mcpgw::store::sql
