// The bytes one client sends on one connection, through mcpgw's real HTTP server on 127.0.0.1:
// http::HttpServer's listener and the connection coroutine of http/connection.cpp (Beast's
// parser fed from the socket under the default config's header and body limits, keep-alive and
// pipelined requests, the refusals 400/408/413/431, the guard of routes that are not open, HEAD,
// Expect, Connection: close, streamed chunked responses of http/chunked_stream.cpp, a handler
// that throws). The client sends the input, half-closes and reads what comes back until the
// server closes. The first byte picks how the input is written: at once, or in pieces of 1 to 64
// bytes (each its own send, so the server's reads see them apart).
//
// Invariants: the server closes the connection within 5 s of the client's half-close (nothing
// hangs: its read timeout is 1 s here); what it sent is a sequence of complete HTTP/1.1
// responses, each parsed by Beast (a response to HEAD without its body), with nothing after the
// last; there are no more final responses than the requests the input holds, plus one refusal
// of the request that could not be read.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "fuzz_support.h"
#include "http/chunked_stream.h"
#include "http/guard.h"
#include "http/message.h"
#include "http/server.h"

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using namespace mcpgw;

namespace {

config::ServerConfig limits() {
  config::ServerConfig c;
  c.host = "127.0.0.1";
  c.port = 0;
  c.workers = 1;
  c.read_timeout = std::chrono::milliseconds(1000);
  c.idle_timeout = std::chrono::milliseconds(1000);
  c.shutdown_grace = std::chrono::milliseconds(100);
  return c;
}

// Admits a guarded request when it carries "X-Fuzz-Ok: 1", else refuses it with 401.
struct FuzzGuard : http::Guard {
  Verdict admit(const http::Access&, http::Exchange& ctx) const override {
    const auto it = ctx.request.find("X-Fuzz-Ok");
    if (it != ctx.request.end() && it->value() == "1") return {std::nullopt, "fuzz"};
    return {http::error_response(http::Status::unauthorized, "unauthorized", "no"), ""};
  }
};

asio::awaitable<http::Response> echo(http::Exchange& ex) {
  std::string body = std::string(ex.request.method_string()) + " " +
                     std::string(ex.request.target()) + " " +
                     std::to_string(ex.request.body().size());
  for (const auto& [name, value] : ex.params.values)
    body += " " + name + "=" + value;
  co_return http::json_text_response(http::Status::ok, "\"" + std::to_string(body.size()) + "\"");
}

asio::awaitable<http::Response> streamed(http::Exchange& ex) {
  const std::size_t n = ex.request.body().size() % 4;
  ex.streamer = [n](http::ResponseStream& out) -> asio::awaitable<void> {
    for (std::size_t i = 0; i < n; ++i) {
      const std::string chunk = "data: " + std::to_string(i) + "\n\n";
      const bool ok = co_await out.write(chunk);
      if (!ok) co_return;
    }
  };
  http::Response res{http::Status::ok, 11};
  res.set(bhttp::field::content_type, "text/event-stream");
  co_return res;
}

asio::awaitable<http::Response> throws(http::Exchange&) {
  throw std::runtime_error("a handler failed");
  co_return http::Response{};
}

struct Server {
  asio::io_context ioc;
  asio::executor_work_guard<asio::io_context::executor_type> work{ioc.get_executor()};
  FuzzGuard guard;
  http::HttpServer server{ioc, limits(), guard, nullptr};
  std::uint16_t port = 0;
  std::thread thread;

  Server() {
    server.route("GET", "/echo", http::Access::open(), echo);
    server.route("POST", "/echo/{id}", http::Access::open(), echo);
    server.route("DELETE", "/echo/{id}", http::Access::require("admin"), echo);
    server.route("POST", "/stream", http::Access::open(), streamed);
    server.route("GET", "/stream", http::Access::authenticated(), streamed);
    server.route("POST", "/throws", http::Access::open(), throws);
    port = server.start();
    thread = std::thread([this] { ioc.run(); });
  }
};

Server& server() {
  static Server* s = new Server;  // never destroyed: its thread runs until the process exits
  return *s;
}

// The methods of the requests in `bytes`, read as the server reads them (the same limits), up
// to the first that cannot be read.
std::vector<bhttp::verb> requests_in(std::string_view bytes, bool& unreadable) {
  const config::ServerConfig c = limits();
  std::vector<bhttp::verb> out;
  unreadable = false;
  while (!bytes.empty()) {
    bhttp::request_parser<bhttp::string_body> p;
    p.header_limit(static_cast<std::uint32_t>(c.max_header_bytes));
    p.body_limit(c.max_body_bytes);
    p.eager(true);
    boost::system::error_code ec;
    const std::size_t used = p.put(asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec || !p.is_done()) {
      unreadable = true;  // malformed, over a limit, or cut short by the close
      break;
    }
    out.push_back(p.get().method());
    bytes.remove_prefix(used);
    if (!p.get().keep_alive()) break;  // the server answers it and closes
  }
  return out;
}

// Connects, sends `input` as `piece` says (0: at once), half-closes, and returns everything the
// server sent until it closed; false when it did not close within the time.
bool exchange(std::uint16_t port, std::string_view input, std::size_t piece, std::string& got) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  FUZZ_CHECK(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  FUZZ_CHECK(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  for (std::size_t at = 0; at < input.size();) {
    const std::size_t n = piece ? std::min(piece, input.size() - at) : input.size() - at;
    const ssize_t sent = ::send(fd, input.data() + at, n, MSG_NOSIGNAL);
    if (sent <= 0) break;  // the server closed early (a refusal): what it sent is still read
    at += static_cast<std::size_t>(sent);
  }
  ::shutdown(fd, SHUT_WR);
  char buf[16384];
  bool closed = false;
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      got.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    closed = n == 0 || errno == ECONNRESET;
    break;
  }
  ::close(fd);
  return closed;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  static_cast<void>(server());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0 || size > 256 * 1024) return 0;
  const std::size_t piece = data[0] % 2 ? 1 + data[0] / 4 : 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string got;
  const bool closed = exchange(server().port, input, piece, got);
  if (!closed) std::fprintf(stderr, "got so far: [%s]\n", got.c_str());
  FUZZ_CHECK(closed);

  bool unreadable = false;
  const std::vector<bhttp::verb> methods = requests_in(input, unreadable);
  std::string_view rest = got;
  std::size_t finals = 0;
  while (!rest.empty()) {
    bhttp::response_parser<bhttp::string_body> p;
    p.eager(true);
    p.body_limit(64 * 1024 * 1024);
    if (finals < methods.size() && methods[finals] == bhttp::verb::head) p.skip(true);
    boost::system::error_code ec;
    const std::size_t used = p.put(asio::buffer(rest.data(), rest.size()), ec);
    if (ec == bhttp::error::need_more) ec = {};
    if (!ec && !p.is_done()) p.put_eof(ec);  // only a body that ends at the close may end so
    if (ec || !p.is_done()) std::fprintf(stderr, "response %zu: [%s]\n", finals, rest.data());
    FUZZ_CHECK(!ec && p.is_done());
    const unsigned status = p.get().result_int();
    FUZZ_CHECK(status >= 100 && status <= 599);
    if (status >= 200) ++finals;
    rest.remove_prefix(used ? used : rest.size());
  }
  FUZZ_CHECK(finals <= methods.size() + (unreadable ? 1 : 0));
  return 0;
}
