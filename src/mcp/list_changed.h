#pragma once
// What one published catalog change means for client sessions: the list_changed notifications
// (tools, resources and templates, prompts) that a session of each scope gets. Sessions that share
// a scope share the comparison. The transport only puts them on each session's GET stream.
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/catalog.h"
#include "mcp/scope.h"

namespace mcpgw::mcp {

class ListChanges {
 public:
  ListChanges(const gateway::Catalog& before, const gateway::Catalog& after)
      : before_(before), after_(after) {}
  // Which lists a client of this scope sees changed (templates count as resources).
  struct Changed {
    bool tools = false, resources = false, prompts = false;
  };
  Changed changed(const Scope& scope);
  // The serialized notifications for a session of this scope, in order; empty when its view did
  // not change. Valid as long as this object.
  const std::vector<std::string>& for_scope(const Scope& scope);
  std::uint64_t version() const { return after_.version; }
  // The database-wide number of the change (gateway::Catalog::epoch).
  std::int64_t epoch() const { return after_.epoch; }

 private:
  const gateway::Catalog& before_;
  const gateway::Catalog& after_;
  struct Seen {
    Scope scope;
    Changed changed;
    std::vector<std::string> messages;
  };
  Seen& seen(const Scope& scope);
  std::deque<Seen> seen_;  // a deque: references to its elements stay valid as it grows
};

// Calls listener with every change published to catalog from now on.
void on_list_changes(gateway::CatalogService& catalog, std::function<void(ListChanges&)> listener);

}  // namespace mcpgw::mcp
