#include "mcp/invokers.h"

#include <spdlog/spdlog.h>

#include "gateway/http_client.h"
#include "gateway/rest_tool.h"
#include "mcp/relay.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
using boost::asio::awaitable;

awaitable<Outcome> RestToolInvoker::call(RequestContext& ctx, const gateway::CatalogItem& tool,
                                         const CallToolParams& params) const {
  const std::string& name = params.name;
  if (auto schema = tool.definition.find("inputSchema");
      schema != tool.definition.end() && schema->value().is_object()) {
    if (auto why = gateway::check_arguments(schema->value().get_object(), *params.arguments))
      co_return Outcome::fail(jsonrpc::kInvalidParams,
                              "Invalid arguments for tool " + name + ": " + *why);
  }
  auto built = gateway::build_rest_request(*tool.rest, *params.arguments);
  if (!built.request)
    co_return Outcome::fail(jsonrpc::kInvalidParams,
                            "Invalid arguments for tool " + name + ": " + built.error);
  const gateway::OutboundRequest& request = *built.request;
  const gateway::OutboundResponse response = co_await http_.send(request);
  if (response.status == 0 || response.status >= 400)
    spdlog::info(
        "request {}: tool {} failed upstream: {}", ctx.log_id(), name,
        response.status ? "HTTP " + std::to_string(response.status) : response.failure_text());
  co_return Outcome::ok(gateway::to_call_result(response, *tool.rest));
}

awaitable<Outcome> UpstreamToolInvoker::call(RequestContext& ctx, const gateway::CatalogItem& tool,
                                             const CallToolParams& params) const {
  // The binding stays alive for the whole call, whatever the catalog publishes meanwhile.
  const auto binding = tool.upstream;
  co_return co_await relay(ctx, federation_, *binding, protocol::method::kToolsCall, *params.raw,
                           "name", true);
}

}  // namespace mcpgw::mcp
