#pragma once
// What the benchmark's stand-in servers share: a Beast HTTP/1.1 server on 127.0.0.1 with C++20
// coroutines, a strand per connection and N threads, keep-alive, printing "listening on
// 127.0.0.1:PORT" and stopping on SIGINT/SIGTERM. Each server only says how it answers.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <iostream>
#include <thread>
#include <vector>

namespace bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
// Fills the response (status 200 and the request's HTTP version already set).
using Handle = void (*)(const Request&, Response&);

inline asio::awaitable<void> session(tcp::socket socket, Handle handle) {
  constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    Request req;
    auto [ec, n] = co_await http::async_read(stream, buffer, req, nothrow);
    if (ec) break;
    Response res{http::status::ok, req.version()};
    handle(req, res);
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, nothrow);
    if (wec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

inline asio::awaitable<void> listen(tcp::acceptor& acceptor, asio::io_context& ioc, Handle handle) {
  for (;;) {
    auto [ec, socket] =
        co_await acceptor.async_accept(asio::make_strand(ioc), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true));
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(std::move(socket), handle), asio::detached);
  }
}

// Serves on 127.0.0.1:port (0: any free port) with `threads` threads until a signal.
inline int serve(unsigned short port, int threads, Handle handle) {
  asio::io_context ioc(threads);
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
  std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  asio::co_spawn(ioc, listen(acceptor, ioc, handle), asio::detached);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) { ioc.stop(); });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool)
    t.join();
  return 0;
}

}  // namespace bench
