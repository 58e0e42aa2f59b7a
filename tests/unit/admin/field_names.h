#pragma once
#include <set>
#include <string>

#include "admin/validation.h"

namespace mcpgw::test {

// The fields a FieldErrors names, for CHECKs that each error case names the right field.
inline std::set<std::string> field_names(const admin::FieldErrors& e) {
  std::set<std::string> out;
  for (const auto& f : e.items())
    out.insert(f.field);
  return out;
}

}  // namespace mcpgw::test
