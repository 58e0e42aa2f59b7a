#include "common/offload.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <thread>

namespace asio = boost::asio;

TEST_CASE("offload runs on the pool and resumes on the caller's executor", "[offload]") {
  asio::io_context ioc;
  asio::thread_pool pool(1);
  std::thread::id io_thread = std::this_thread::get_id(), work_thread, resumed_thread;
  std::string result;
  bool caught = false;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        // A non-trivial local captured by reference: the pattern offload.h prescribes.
        const std::string payload(200, 'x');
        result = co_await mcpgw::offload(pool, [&] {
          work_thread = std::this_thread::get_id();
          return payload + "!";
        });
        resumed_thread = std::this_thread::get_id();
        co_await mcpgw::offload(pool, [] {});
        try {
          co_await mcpgw::offload(pool, []() -> int { throw std::runtime_error("boom"); });
        } catch (const std::runtime_error& e) {
          caught = std::string(e.what()) == "boom";
        }
      },
      asio::detached);
  ioc.run();
  pool.join();
  CHECK(result == std::string(200, 'x') + "!");
  CHECK(work_thread != io_thread);
  CHECK(resumed_thread == io_thread);
  CHECK(caught);
}
