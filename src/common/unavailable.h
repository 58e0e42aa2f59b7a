#pragma once
// What a request needed is down for now (the database): the request fails with 503 and a
// Retry-After, not 500, and the daemon carries on. Thrown below http/ (store::DatabaseError is
// one), answered by http::Site.
#include <stdexcept>

namespace mcpgw {

class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mcpgw
