#include "mcp/list_changed.h"

#include <boost/json/serialize.hpp>

#include "protocol/message.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
namespace json = boost::json;

const std::vector<std::string>& ListChanges::for_scope(const Scope& scope) {
  for (const auto& [sc, messages] : seen_)
    if (sc == scope) return messages;
  auto differs = [&](gateway::ItemKind k) {
    return gateway::fingerprint(before_, k, scope) != gateway::fingerprint(after_, k, scope);
  };
  static const std::string tools =
      json::serialize(jsonrpc::notification(protocol::notification::kToolsListChanged, nullptr));
  static const std::string resources = json::serialize(
      jsonrpc::notification(protocol::notification::kResourcesListChanged, nullptr));
  static const std::string prompts =
      json::serialize(jsonrpc::notification(protocol::notification::kPromptsListChanged, nullptr));
  std::vector<std::string> messages;
  if (differs(gateway::ItemKind::tool)) messages.push_back(tools);
  if (differs(gateway::ItemKind::resource) || differs(gateway::ItemKind::resource_template))
    messages.push_back(resources);
  if (differs(gateway::ItemKind::prompt)) messages.push_back(prompts);
  seen_.emplace_back(scope, std::move(messages));
  return seen_.back().second;
}

void on_list_changes(gateway::CatalogService& catalog, std::function<void(ListChanges&)> listener) {
  catalog.subscribe([listener = std::move(listener)](const gateway::Catalog& before,
                                                     const gateway::Catalog& after) {
    ListChanges changes(before, after);
    listener(changes);
  });
}

}  // namespace mcpgw::mcp
