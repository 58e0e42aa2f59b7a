#include "auth/principal.h"

namespace mcpgw::auth {
bool is_known_scope(std::string_view s) {
  return s == kScopeAdmin || s == kScopeMcp || s == kScopeMetrics;
}
}  // namespace mcpgw::auth
