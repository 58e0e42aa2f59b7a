#include "app/node_metrics.h"

#include "common/metrics.h"
#include "common/version.h"
#include "mcp/listen.h"
#include "transport/session_manager.h"

namespace mcpgw::app {

NodeMetrics::NodeMetrics(const std::string& node_id, const transport::SessionManager& sessions,
                         const mcp::ListenHub& listeners) {
  if (!metrics::enabled()) return;
  auto& reg = metrics::registry();
  using metrics::Sample;
  using metrics::Type;
  ids_.push_back(reg.collector("mcpgw_node_info",
                               "This node: its id among the nodes of one database, and its version",
                               Type::gauge, {"node", "version"}, [node_id] {
                                 return std::vector<Sample>{{{node_id, std::string(version())}, 1}};
                               }));
  ids_.push_back(
      reg.collector("mcpgw_sessions", "Legacy (2025) MCP sessions held on this node", Type::gauge,
                    {}, [&sessions] {
                      return std::vector<Sample>{{{}, static_cast<double>(sessions.size())}};
                    }));
  ids_.push_back(reg.collector(
      "mcpgw_listen_streams", "Open 2026-07-28 subscriptions/listen streams on this node",
      Type::gauge, {}, [&listeners] {
        return std::vector<Sample>{{{}, static_cast<double>(listeners.size())}};
      }));
  ids_.push_back(reg.collector("mcpgw_subscriptions_held",
                               "Resource subscriptions of the sessions held on this node",
                               Type::gauge, {}, [&sessions] {
                                 std::size_t n = 0;
                                 for (const auto& s : sessions.with_subscriptions())
                                   n += s->state().subscriptions().size();
                                 return std::vector<Sample>{{{}, static_cast<double>(n)}};
                               }));
}

NodeMetrics::~NodeMetrics() {
  for (auto id : ids_)
    metrics::registry().remove_collector(id);
}

}  // namespace mcpgw::app
