#include "mcp/input_required.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace mcpgw;
namespace asio = boost::asio;
namespace json = boost::json;

namespace {
mcp::PendingCalls::State state(std::string call, std::int64_t expires) {
  return {std::move(call), "alice", "s1", "tools/call", "fid__elicit", expires};
}
}  // namespace

TEST_CASE("requestState: sealed, bound to principal, endpoint, request and expiry", "[mcp]") {
  mcp::PendingCalls calls(std::chrono::minutes(1));
  auto call = calls.start();
  const std::int64_t now = 1'000'000;
  const std::string sealed = calls.seal(state(call->id(), now + 60'000));
  const auto expected = state("", 0);

  auto ok = calls.find(sealed, expected, now);
  CHECK(ok.call == call);

  std::string flipped = sealed;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  CHECK(calls.find(flipped, expected, now).refusal == "requestState is not one mcpgw issued");
  CHECK(calls.find("garbage", expected, now).refusal == "requestState is not one mcpgw issued");
  mcp::PendingCalls elsewhere;  // another process: another key
  CHECK(elsewhere.find(sealed, expected, now).refusal == "requestState is not one mcpgw issued");

  auto bob = expected;
  bob.subject = "bob";
  CHECK(calls.find(sealed, bob, now).refusal ==
        "requestState was issued to another principal or endpoint");
  auto other_server = expected;
  other_server.server = "";
  CHECK(calls.find(sealed, other_server, now).refusal ==
        "requestState was issued to another principal or endpoint");
  auto other_tool = expected;
  other_tool.item = "fid__work";
  CHECK(calls.find(sealed, other_tool, now).refusal == "requestState belongs to another request");
  CHECK(calls.find(sealed, expected, now + 60'001).refusal == "requestState has expired");

  calls.drop(call->id());
  CHECK(calls.find(sealed, expected, now).refusal ==
        "the call that requestState continues is over");
}

TEST_CASE("a pending call: its input requests go to the client, the answers back", "[mcp]") {
  asio::io_context ioc;
  auto call = std::make_shared<mcp::PendingCall>("c1");
  std::optional<mcp::Outcome> asked;
  asio::co_spawn(
      ioc,
      [call, &asked]() -> asio::awaitable<void> {
        const json::value params = json::object{{"message", "Pick"}};
        asked = co_await call->ask("elicitation/create", params, std::chrono::seconds(5));
        call->finish(mcp::Outcome::ok(json::object{{"done", true}}));
      },
      asio::detached);
  std::optional<mcp::PendingCall::Next> first, second;
  asio::co_spawn(
      ioc,
      [call, &first, &second]() -> asio::awaitable<void> {
        first = co_await call->next(nullptr);
        const std::string key = std::string(first->input_requests.begin()->key());
        call->answer(json::object{{"unknown", 1}, {key, json::object{{"action", "accept"}}}});
        second = co_await call->next(nullptr);
      },
      asio::detached);
  ioc.run();
  REQUIRE(first);
  CHECK_FALSE(first->outcome);
  REQUIRE(first->input_requests.size() == 1);
  CHECK(first->input_requests.begin()->value().at("method") == "elicitation/create");
  CHECK(first->input_requests.begin()->value().at("params").at("message") == "Pick");
  REQUIRE(asked);
  CHECK(asked->result.at("action") == "accept");
  REQUIRE(second);
  REQUIRE(second->outcome);
  CHECK(second->outcome->result.at("done") == true);
}

TEST_CASE("a cancelled pending call answers its open input requests with an error", "[mcp]") {
  asio::io_context ioc;
  auto call = std::make_shared<mcp::PendingCall>("c2");
  std::optional<mcp::Outcome> asked;
  asio::co_spawn(
      ioc,
      [call, &asked]() -> asio::awaitable<void> {
        const json::value params = json::object{};
        asked = co_await call->ask("sampling/createMessage", params, std::chrono::minutes(5));
      },
      asio::detached);
  asio::co_spawn(
      ioc,
      [call]() -> asio::awaitable<void> {
        auto n = co_await call->next(nullptr);
        CHECK(n.input_requests.size() == 1);
        call->cancellation().cancel();
      },
      asio::detached);
  ioc.run();
  REQUIRE(asked);
  REQUIRE(asked->error);
  CHECK(asked->error->message == "cancelled");
}
