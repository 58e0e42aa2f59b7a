#include "app/system_routes.h"

#include <spdlog/spdlog.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "common/offload.h"
#include "common/version.h"
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

}  // namespace mcpgw::app
