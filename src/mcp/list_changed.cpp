#include "mcp/list_changed.h"

#include <boost/json/serialize.hpp>

#include "protocol/message.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
namespace json = boost::json;

ListChanges::Seen& ListChanges::seen(const Scope& scope) {
  // Sessions of one view share the work; with no policies the caller does not change the view.
  for (auto& s : seen_)
    if (gateway::same_view(before_, s.scope, scope) && gateway::same_view(after_, s.scope, scope))
      return s;
  auto differs = [&](gateway::ItemKind k) {
    return gateway::fingerprint(before_, k, scope) != gateway::fingerprint(after_, k, scope);
  };
  static const std::string tools =
      json::serialize(jsonrpc::notification(protocol::notification::kToolsListChanged, nullptr));
  static const std::string resources = json::serialize(
      jsonrpc::notification(protocol::notification::kResourcesListChanged, nullptr));
  static const std::string prompts =
      json::serialize(jsonrpc::notification(protocol::notification::kPromptsListChanged, nullptr));
  Seen s{scope, {}, {}};
  s.changed.tools = differs(gateway::ItemKind::tool);
  s.changed.resources =
      differs(gateway::ItemKind::resource) || differs(gateway::ItemKind::resource_template);
  s.changed.prompts = differs(gateway::ItemKind::prompt);
  if (s.changed.tools) s.messages.push_back(tools);
  if (s.changed.resources) s.messages.push_back(resources);
  if (s.changed.prompts) s.messages.push_back(prompts);
  seen_.push_back(std::move(s));
  return seen_.back();
}

ListChanges::Changed ListChanges::changed(const Scope& scope) {
  return seen(scope).changed;
}

const std::vector<std::string>& ListChanges::for_scope(const Scope& scope) {
  return seen(scope).messages;
}

void on_list_changes(gateway::CatalogService& catalog, std::function<void(ListChanges&)> listener) {
  catalog.subscribe([listener = std::move(listener)](const gateway::Catalog& before,
                                                     const gateway::Catalog& after) {
    ListChanges changes(before, after);
    listener(changes);
  });
}

}  // namespace mcpgw::mcp
