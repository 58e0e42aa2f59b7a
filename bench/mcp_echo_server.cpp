// A minimal MCP server for benchmarks: streamable HTTP without sessions, answering in JSON.
// initialize, ping, tools/list (one tool, "echo") and tools/call echo; notifications get 202, GET
// gets 405. It stands for an upstream that costs next to nothing, so that what mcpgw adds to a
// relayed call shows. Usage: bench_mcp_echo PORT [THREADS]   (PORT 0: any free port; printed)
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
#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

json::value result_for(const std::string& method, const json::object& params) {
  if (method == "initialize")
    return json::object{{"protocolVersion", "2025-11-25"},
                        {"capabilities", json::object{{"tools", json::object{}}}},
                        {"serverInfo", json::object{{"name", "bench-echo"}, {"version", "1"}}}};
  if (method == "tools/list")
    return json::object{
        {"tools",
         json::array{json::object{
             {"name", "echo"},
             {"description", "Echoes the message"},
             {"inputSchema",
              json::object{
                  {"type", "object"},
                  {"properties", json::object{{"message", json::object{{"type", "string"}}}}}}}}}}};
  if (method == "tools/call") {
    std::string text = "Echo: ";
    if (auto a = params.if_contains("arguments"); a && a->is_object())
      if (auto m = a->get_object().if_contains("message"); m && m->is_string())
        text += m->get_string();
    return json::object{
        {"content", json::array{json::object{{"type", "text"}, {"text", std::move(text)}}}}};
  }
  return json::object{};  // ping and the rest
}

asio::awaitable<void> session(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> req;
    auto [ec, n] = co_await http::async_read(stream, buffer, req, nothrow);
    if (ec) break;
    http::response<http::string_body> res{http::status::ok, req.version()};
    if (req.method() != http::verb::post) {
      res.result(http::status::method_not_allowed);
    } else {
      boost::system::error_code jec;
      json::value v = json::parse(req.body(), jec);
      const json::object* o = !jec && v.is_object() ? &v.get_object() : nullptr;
      const json::value* id = o ? o->if_contains("id") : nullptr;
      const json::value* method = o ? o->if_contains("method") : nullptr;
      if (!id || !method || !method->is_string()) {
        res.result(http::status::accepted);
      } else {
        static const json::object kNone;
        const json::value* params = o->if_contains("params");
        res.set(http::field::content_type, "application/json");
        res.body() = json::serialize(json::object{
            {"jsonrpc", "2.0"},
            {"id", *id},
            {"result", result_for(std::string(method->get_string()),
                                  params && params->is_object() ? params->get_object() : kNone)}});
      }
    }
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    auto [wec, wn] = co_await http::async_write(stream, res, nothrow);
    if (wec || !res.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor, asio::io_context& ioc) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), nothrow);
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true));
    auto ex = socket.get_executor();
    asio::co_spawn(ex, session(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_mcp_echo PORT [THREADS]\n";
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  asio::io_context ioc(threads);
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), port});
  std::cout << "listening on 127.0.0.1:" << acceptor.local_endpoint().port() << std::endl;
  asio::co_spawn(ioc, listen(acceptor, ioc), asio::detached);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](auto, int) { ioc.stop(); });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i)
    pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool)
    t.join();
}
