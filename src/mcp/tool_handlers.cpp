#include "mcp/tool_handlers.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "gateway/catalog.h"
#include "gateway/http_client.h"
#include "gateway/rest_tool.h"
#include "mcp/dispatcher.h"
#include "mcp/relay.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
using boost::asio::awaitable;

void register_tool_handlers(Dispatcher& d, const gateway::CatalogService& catalog,
                            gateway::HttpClient& http, gateway::Federation& federation) {
  d.on_request(
      protocol::method::kToolsCall,
      {[&catalog, &http, &federation](RequestContext& ctx,
                                      const json::object& params) -> awaitable<Outcome> {
         const json::string* name = string_param(params, "name");
         if (!name) co_return invalid_string("name");
         static const json::object kNone;
         auto args_it = params.find("arguments");
         if (args_it != params.end() && !args_it->value().is_object() &&
             !args_it->value().is_null())
           co_return Outcome::fail(jsonrpc::kInvalidParams,
                                   "Invalid params: arguments must be an object");
         const json::object& args = args_it != params.end() && args_it->value().is_object()
                                        ? args_it->value().get_object()
                                        : kNone;
         // The snapshot stays alive for the whole call, whatever is published meanwhile.
         const auto snapshot = catalog.current();
         const std::string tool_name(*name);
         const gateway::CatalogItem* tool = gateway::find_tool(*snapshot, tool_name, ctx.scope());
         if (!tool) co_return Outcome::fail(jsonrpc::kInvalidParams, "Unknown tool: " + tool_name);
         // An upstream checks its own arguments, against its own schema.
         if (tool->upstream) {
           const auto binding = tool->upstream;
           co_return co_await relay(ctx, federation, *binding, protocol::method::kToolsCall, params,
                                    "name", true);
         }
         if (auto schema = tool->definition.find("inputSchema");
             schema != tool->definition.end() && schema->value().is_object()) {
           if (auto why = gateway::check_arguments(schema->value().get_object(), args))
             co_return Outcome::fail(jsonrpc::kInvalidParams,
                                     "Invalid arguments for tool " + tool_name + ": " + *why);
         }
         if (!tool->rest)
           co_return Outcome::fail(jsonrpc::kInternalError,
                                   "Tool " + tool_name + " cannot be called: it has no binding");
         auto built = gateway::build_rest_request(*tool->rest, args);
         if (!built.request)
           co_return Outcome::fail(jsonrpc::kInvalidParams,
                                   "Invalid arguments for tool " + tool_name + ": " + built.error);
         const gateway::OutboundRequest& request = *built.request;
         const gateway::OutboundResponse response = co_await http.send(request);
         if (response.status == 0 || response.status >= 400)
           spdlog::info("request {}: tool {} failed upstream: {}", ctx.log_id(), tool_name,
                        response.status ? "HTTP " + std::to_string(response.status)
                                        : response.failure_text());
         co_return Outcome::ok(gateway::to_call_result(response, *tool->rest));
       },
       true});
}

}  // namespace mcpgw::mcp
