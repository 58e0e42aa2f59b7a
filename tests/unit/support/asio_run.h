#pragma once
// Helpers for tests that drive coroutines and canned HTTP peers on one io_context.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <string>

namespace mcpgw::test {

// Runs one coroutine to its end on ioc; what it stored is then read by the test.
template <typename Fn>
void run(boost::asio::io_context& ioc, Fn fn) {
  bool done = false;
  boost::asio::co_spawn(
      ioc,
      [&]() -> boost::asio::awaitable<void> {
        co_await fn();
        done = true;
      },
      boost::asio::detached);
  while (!done && ioc.run_one()) {
  }
}

// An HTTP/1.1 response with a body of the given type.
inline std::string http_reply(std::string status_line, std::string body = "",
                              std::string type = "application/json") {
  return "HTTP/1.1 " + status_line + "\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

}  // namespace mcpgw::test
