#pragma once
// What a store operation throws when it fails, whatever engine is behind it. Callers above store/
// catch these and never an engine's own exception types, so that a second engine (PostgreSQL)
// fails the same way to them.
#include "common/unavailable.h"

namespace mcpgw::store {

// The database failed the operation (cannot reach or open it, I/O, busy past the timeout, a
// broken statement); whatever the operation began was rolled back. A request that meets one is
// answered 503 (mcpgw::Unavailable): the database may be back in a moment.
class DatabaseError : public Unavailable {
 public:
  using Unavailable::Unavailable;
};

// A write would have given a second row a name or key that must be unique (a UNIQUE or PRIMARY
// KEY constraint); nothing of the operation was written. Callers answer it as a conflict.
class Conflict : public DatabaseError {
 public:
  using DatabaseError::DatabaseError;
};

}  // namespace mcpgw::store
