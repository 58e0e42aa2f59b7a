#pragma once
// Inside the SQLite engine: what its repositories share. Not for use outside store/sqlite/.
#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/database.h"
#include "store/errors.h"

namespace mcpgw::store::sqlite {

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

inline std::optional<std::string> optional_text(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getString();
}

inline std::optional<std::int64_t> optional_int(const SQLite::Column& c) {
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

// NULL for nullopt.
inline void bind_text(SQLite::Statement& q, int i, const std::optional<std::string>& v) {
  if (v)
    q.bind(i, *v);
  else
    q.bind(i);
}

// Sealed credentials are bytes: bound as a BLOB, never as text; NULL for nullopt.
inline void bind_blob(SQLite::Statement& q, int i, const std::optional<std::string>& v) {
  if (v)
    q.bind(i, v->data(), static_cast<int>(v->size()));
  else
    q.bind(i);
}

// Every row of q (bound, not yet stepped), each read by read(q). Resets q after, so that the
// read snapshot ends now rather than at the next use of the cached statement.
template <class Read>
auto all_rows(SQLite::Statement& q, Read read) {
  std::vector<decltype(read(q))> out;
  while (q.executeStep())
    out.push_back(read(q));
  q.reset();
  return out;
}

// The first row of q read by read(q); nullopt when there is none. Resets q after.
template <class Read>
auto first_row(SQLite::Statement& q, Read read) {
  std::optional<decltype(read(q))> out;
  if (q.executeStep()) out = read(q);
  q.reset();
  return out;
}

}  // namespace mcpgw::store::sqlite
