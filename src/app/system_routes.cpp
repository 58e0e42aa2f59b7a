#include "app/system_routes.h"

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "auth/principal.h"
#include "auth/protected_resource.h"
#include "common/metrics.h"
#include "common/offload.h"
#include "common/version.h"
#include "gateway/catalog.h"
#include "http/server.h"
#include "store/catalog_store.h"

namespace mcpgw::app {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::Exchange;
using http::Response;

void register_system_routes(http::HttpServer& server, store::CatalogStore& db,
                            boost::asio::thread_pool& blocking) {
  server.route("GET", "/health", Access::open(), [](Exchange&) -> awaitable<Response> {
    static const std::string body = R"({"status":"ok"})";
    Response res{http::Status::ok, 11};
    res.set(boost::beast::http::field::content_type, "application/json");
    res.body() = body;
    res.prepare_payload();
    co_return res;
  });

  server.route("GET", "/ready", Access::open(),
               [&server, &db, &blocking](Exchange& ctx) -> awaitable<Response> {
                 if (server.draining())
                   co_return http::error_response(http::Status::service_unavailable, "draining",
                                                  "shutting down");
                 std::string problem = co_await offload(blocking, [&db]() -> std::string {
                   try {
                     db.ping();
                     return {};
                   } catch (const std::exception& e) {
                     return e.what();
                   }
                 });
                 if (!problem.empty()) {
                   spdlog::warn("request {}: not ready: database: {}", ctx.request_id, problem);
                   co_return http::error_response(http::Status::service_unavailable, "not_ready",
                                                  "database unreachable");
                 }
                 co_return http::json_response(http::Status::ok, json::object{{"status", "ready"}});
               });

  server.route("GET", "/version", Access::open(), [](Exchange&) -> awaitable<Response> {
    co_return http::json_response(
        http::Status::ok,
        json::object{{"name", "mcpgw"}, {"version", version()}, {"git", git_revision()}});
  });
}

namespace {

Response metadata(const auth::ProtectedResource& resource, const Exchange& ctx,
                  std::string_view resource_path) {
  const std::string base = resource.base_url(ctx.request);
  if (base.empty())
    return http::error_response(http::Status::bad_request, "bad_request",
                                "no usable Host header (and auth.resource_url is not set)");
  auto res = http::json_response(http::Status::ok, resource.document(base, resource_path));
  res.set(boost::beast::http::field::cache_control, "max-age=300");
  return res;
}

}  // namespace

void register_metrics_route(http::HttpServer& server) {
  server.route("GET", "/metrics", Access::require_either(auth::kScopeMetrics, auth::kScopeAdmin),
               [](Exchange&) -> awaitable<Response> {
                 Response res{http::Status::ok, 11};
                 res.set(boost::beast::http::field::content_type,
                         "text/plain; version=0.0.4; charset=utf-8");
                 res.body() = metrics::registry().render();
                 res.prepare_payload();
                 co_return res;
               });
}

void register_resource_metadata_routes(http::HttpServer& server,
                                       const auth::ProtectedResource& resource,
                                       const gateway::CatalogService& catalog) {
  const std::string prefix(auth::kMetadataPrefix);
  server.route("GET", prefix, Access::open(), [&resource](Exchange& ctx) -> awaitable<Response> {
    co_return metadata(resource, ctx, "");
  });
  server.route("GET", prefix + "/mcp", Access::open(),
               [&resource](Exchange& ctx) -> awaitable<Response> {
                 co_return metadata(resource, ctx, "/mcp");
               });
  server.route(
      "GET", prefix + "/servers/{id}/mcp", Access::open(),
      [&resource, &catalog](Exchange& ctx) -> awaitable<Response> {
        const auto id = ctx.params.get("id").value_or("");
        const auto snapshot = catalog.current();
        if (!snapshot->servers.count(std::string(id)))
          co_return http::error_response(http::Status::not_found, "not_found", "no such server");
        // The resource as the client names it: the target's path, encoding and all.
        const std::string path = auth::ProtectedResource::resource_path(
            ctx.request.target().substr(auth::kMetadataPrefix.size()));
        if (path.empty())
          co_return http::error_response(http::Status::not_found, "not_found", "no such server");
        co_return metadata(resource, ctx, path);
      });
}

}  // namespace mcpgw::app
