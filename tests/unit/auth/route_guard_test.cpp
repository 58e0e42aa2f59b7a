// The route guard decides on the I/O thread only what it can without a database read: an API
// token that is not in the cache is read off that thread (admit_blocking), and then is cached.
#include "auth/route_guard.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include "common/clock.h"
#include "store/open.h"
#include "store/sql/sql_api_token_repository.h"
#include "support/store_fixture.h"

using namespace mcpgw;
namespace asio = boost::asio;

TEST_CASE("route guard: an API token not in the cache is read off the I/O thread", "[auth]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  auto pool = store::open_pool(t.opts);
  store::SqlApiTokenRepository repo(*pool);
  auth::ApiTokenService tokens(repo);
  auth::JwtSettings js{"0123456789abcdef0123456789abcdef", "mcpgw", "mcpgw",
                       std::chrono::seconds(0)};
  auth::Authenticator authenticator(true, auth::JwtVerifier(js), &tokens);
  asio::thread_pool blocking(1);
  auth::RouteGuard guard(authenticator, &blocking);
  const auto access = http::Access::require(auth::kScopeMcp);
  const auto api = tokens.create({"", "bot", {"mcp"}, {}, std::nullopt}, unix_ms());

  auto exchange_with = [](http::Request& req, const std::string& token) {
    req.set(boost::beast::http::field::authorization, "Bearer " + token);
    return http::Exchange{req, {}, {}, "r1", "127.0.0.1:1", {}};
  };
  auto admit_blocking = [&](http::Exchange& ex) {
    asio::io_context ioc;
    auto f = asio::co_spawn(ioc, guard.admit_blocking(access, ex), asio::use_future);
    ioc.run();
    return f.get();
  };
  const std::vector<std::string> presented{api.token, "mcpgw_" + std::string(64, 'a')};
  for (const std::string& token : presented) {
    const bool known = token == api.token;
    http::Request req;
    auto ex = exchange_with(req, token);
    auto first = guard.admit(access, ex);
    CHECK(first.blocking);  // undecided: not read here
    CHECK_FALSE(first.refusal);
    CHECK_FALSE(ex.caller.has_value());
    auto decided = admit_blocking(ex);
    CHECK_FALSE(decided.blocking);
    CHECK(decided.refusal.has_value() == !known);
    if (known) CHECK(auth::principal_of(ex).subject == "bot");
    // Now cached: decided on the spot, unknown tokens too.
    http::Request again_req;
    auto again = exchange_with(again_req, token);
    auto second = guard.admit(access, again);
    CHECK_FALSE(second.blocking);
    CHECK(second.refusal.has_value() == !known);
  }
  // A JWT never waits.
  const auto jwt = auth::mint_jwt(js, {"alice", {"mcp"}, {}, std::chrono::hours(1)},
                                  static_cast<std::int64_t>(unix_ms() / 1000));
  http::Request req;
  auto ex = exchange_with(req, jwt);
  auto v = guard.admit(access, ex);
  CHECK_FALSE(v.blocking);
  CHECK_FALSE(v.refusal);
  CHECK(auth::principal_of(ex).subject == "alice");
  blocking.join();
}
