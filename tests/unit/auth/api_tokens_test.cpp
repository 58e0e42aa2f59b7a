#include "auth/api_tokens.h"

#include <catch2/catch.hpp>
#include <thread>

#include "auth/authenticator.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/database.h"
#include "store/open.h"
#include "store/sql/sql_api_token_repository.h"
#include "support/store_fixture.h"

using namespace mcpgw;

namespace {
struct Fixture : test::TestDatabase {
  std::unique_ptr<store::sql::Pool> pool;
  std::unique_ptr<store::ApiTokenRepository> repo;
  std::unique_ptr<auth::ApiTokenService> service;
  Fixture() {
    store::migrate_database(opts);
    pool = store::open_pool(opts);
    repo = std::make_unique<store::SqlApiTokenRepository>(*pool);
    service = std::make_unique<auth::ApiTokenService>(*repo);
  }
};
constexpr std::int64_t kNow = 1'800'000'000'000;
}  // namespace

TEST_CASE("API tokens are random, prefixed, and stored only as SHA-256", "[api_tokens]") {
  Fixture f;
  auto a = f.service->create({"ci", "bot", {"mcp"}, {"s1"}, std::nullopt}, kNow);
  auto b = f.service->create({"ci", "bot", {"mcp"}, {}, std::nullopt}, kNow);
  CHECK(a.token != b.token);
  CHECK(auth::ApiTokenService::looks_like_api_token(a.token));
  CHECK(a.record.token_hash == crypto::sha256_hex(a.token));
  // Nothing in the table holds the token itself.
  auto db = f.pool->acquire();
  const auto rows = db->query(
      "SELECT COUNT(*) AS n FROM api_tokens WHERE token_hash = ? OR prefix = ? OR name = ?",
      {a.token, a.token, a.token});
  CHECK(rows[0].integer("n") == 0);
}

TEST_CASE("a created API token verifies into its principal", "[api_tokens]") {
  Fixture f;
  auto t = f.service->create({"", "bot", {"mcp"}, {"s1"}, std::nullopt}, kNow);
  auto v = f.service->verify(t.token, kNow + 1);
  REQUIRE(v.principal);
  CHECK(v.principal->subject == "bot");
  CHECK(v.principal->scopes == std::vector<std::string>{"mcp"});
  CHECK(v.principal->servers == std::vector<std::string>{"s1"});
  CHECK(v.principal->token_kind == "api_token");
}

TEST_CASE("revoked API tokens stop working at once", "[api_tokens]") {
  Fixture f;
  auto t = f.service->create({"", "bot", {"admin"}, {}, std::nullopt}, kNow);
  REQUIRE(f.service->verify(t.token, kNow).principal);
  CHECK(f.service->revoke(t.record.id, kNow + 5));
  auto v = f.service->verify(t.token, kNow + 6);
  CHECK_FALSE(v.principal);
  CHECK(v.reason == "token has been revoked");
  CHECK_FALSE(f.service->revoke(t.record.id, kNow + 7));  // already revoked
  CHECK_FALSE(f.service->revoke("no-such-id", kNow + 7));
  auto listed = f.service->list();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].revoked_at == kNow + 5);
}

TEST_CASE("expired API tokens are refused", "[api_tokens]") {
  Fixture f;
  auto t = f.service->create({"", "bot", {"mcp"}, {}, std::chrono::seconds(60)}, kNow);
  CHECK(f.service->verify(t.token, kNow + 59'999).principal);
  CHECK(f.service->verify(t.token, kNow + 60'000).reason == "token has expired");
}

TEST_CASE("unknown and malformed API tokens are refused", "[api_tokens]") {
  Fixture f;
  CHECK(f.service->verify("mcpgw_" + std::string(64, 'a'), kNow).reason == "token is not known");
  CHECK(f.service->verify("mcpgw_short", kNow).reason == "token is malformed");
  CHECK(f.service->verify("mcpgw_" + std::string(64, 'G'), kNow).reason == "token is malformed");
}

TEST_CASE("the authenticator reads Bearer headers and tells absent from bad", "[auth]") {
  Fixture f;
  auth::JwtSettings js{"0123456789abcdef0123456789abcdef", "mcpgw", "mcpgw",
                       std::chrono::seconds(0)};
  auth::Authenticator a(true, auth::JwtVerifier(js), f.service.get());
  auto none = a.authenticate(std::nullopt);
  CHECK_FALSE(none.principal);
  CHECK_FALSE(none.token_presented);
  CHECK_FALSE(a.authenticate("Basic dXNlcjpwYXNz").principal);
  CHECK(a.authenticate("Basic dXNlcjpwYXNz").token_presented);
  CHECK_FALSE(a.authenticate("Bearer ").principal);

  auto jwt = auth::mint_jwt(js, {"alice", {"mcp"}, {}, std::chrono::hours(1)},
                            std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count());
  auto ok = a.authenticate("bearer " + jwt);  // scheme is case-insensitive
  REQUIRE(ok.principal);
  CHECK(ok.principal->subject == "alice");

  auto api = f.service->create({"", "bot", {"admin"}, {}, std::nullopt}, mcpgw::unix_ms());
  auto ok2 = a.authenticate("Bearer " + api.token);
  REQUIRE(ok2.principal);
  CHECK(ok2.principal->token_kind == "api_token");

  auth::Authenticator open(false, auth::JwtVerifier(js), nullptr);
  auto anon = open.authenticate(std::nullopt);
  REQUIRE(anon.principal);
  CHECK(anon.principal->has_scope("admin"));
  CHECK(anon.principal->has_scope("mcp"));
}

namespace {
// Counts the lookups that reach the database.
struct CountingRepo : store::ApiTokenRepository {
  explicit CountingRepo(store::ApiTokenRepository& inner) : inner(inner) {}
  store::ApiTokenRepository& inner;
  int lookups = 0;
  void insert(const store::ApiTokenRecord& r) override { inner.insert(r); }
  std::optional<store::ApiTokenRecord> find_by_hash(const std::string& h) override {
    ++lookups;
    return inner.find_by_hash(h);
  }
  std::optional<store::ApiTokenRecord> find_by_id(const std::string& id) override {
    return inner.find_by_id(id);
  }
  std::vector<store::ApiTokenRecord> list() override { return inner.list(); }
  std::vector<store::ApiTokenRecord> page(const PageQuery& q) override { return inner.page(q); }
  bool revoke(const std::string& id, std::int64_t now) override { return inner.revoke(id, now); }
};
}  // namespace

TEST_CASE("API token checks read the database once per token per cache TTL", "[api_tokens]") {
  Fixture f;
  CountingRepo counting(*f.repo);
  auth::ApiTokenService service(counting, std::chrono::milliseconds(200));
  auto t = service.create({"", "bot", {"mcp"}, {}, std::nullopt}, kNow);
  for (int i = 0; i < 5; ++i)
    REQUIRE(service.verify(t.token, kNow + i).principal);
  CHECK(counting.lookups == 1);
  // Unknown tokens are remembered too: a flood of one bad token is not a flood of queries.
  const std::string bogus = "mcpgw_" + std::string(64, 'a');
  CHECK_FALSE(service.verify(bogus, kNow).principal);
  CHECK_FALSE(service.verify(bogus, kNow).principal);
  CHECK(counting.lookups == 2);
  // Revoked here: refused at once.
  CHECK(service.revoke(t.record.id, kNow + 10));
  CHECK(service.verify(t.token, kNow + 11).reason == "token has been revoked");
}

TEST_CASE("a token revoked through another node stops working within the cache TTL",
          "[api_tokens]") {
  Fixture f;
  auth::ApiTokenService here(*f.repo, std::chrono::milliseconds(100));
  auth::ApiTokenService elsewhere(*f.repo);
  auto t = here.create({"", "bot", {"mcp"}, {}, std::nullopt}, kNow);
  REQUIRE(here.verify(t.token, kNow).principal);
  REQUIRE(elsewhere.revoke(t.record.id, kNow + 1));
  CHECK(here.verify(t.token, kNow + 2).principal);  // still cached
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK(here.verify(t.token, kNow + 3).reason == "token has been revoked");
}
