#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <exception>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/connection.h"
#include "http/site.h"

namespace mcpgw::http {
namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr auto kSweepInterval = std::chrono::milliseconds(100);

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& ioc, const config::ServerConfig& cfg, const Guard& guard,
       std::shared_ptr<const observability::AccessLog> access_log)
      : ioc(ioc), site(cfg, guard, std::move(access_log)), acceptor(asio::make_strand(ioc)) {}

  asio::io_context& ioc;
  Site site;
  tcp::acceptor acceptor;  // its strand also runs the deadline sweep

  // Guards conns, next_conn_id and on_drained; taken per connection, not per request.
  std::mutex conns_mutex;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> conns;
  std::uint64_t next_conn_id = 0;
  std::function<void()> on_drained;
  Clock::time_point grace_end{};  // set when draining starts; acceptor strand only

  awaitable<void> accept_loop();
  awaitable<void> sweep_loop();
  awaitable<void> reject_busy(tcp::socket socket);
  void remove_connection(std::uint64_t id);
};

HttpServer::HttpServer(asio::io_context& ioc, const config::ServerConfig& cfg, const Guard& guard,
                       std::shared_ptr<const observability::AccessLog> access_log)
    : impl_(std::make_shared<Impl>(ioc, cfg, guard, std::move(access_log))) {}

HttpServer::~HttpServer() = default;

void HttpServer::route(std::string method, std::string_view pattern, Access access,
                       Handler handler) {
  impl_->site.router.add(method, pattern);
  impl_->site.routes.push_back(
      {std::move(access), std::move(handler), RouteMetrics::make(method, pattern)});
}

void HttpServer::set_cors(CorsPolicy cors) {
  impl_->site.cors = std::move(cors);
}

void HttpServer::set_rate_limits(RateLimits* limits) {
  impl_->site.limits = limits;
}

const Router& HttpServer::router() const {
  return impl_->site.router;
}

std::uint16_t HttpServer::start() {
  auto& a = impl_->acceptor;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(impl_->site.cfg.host, ec);
  if (ec)
    throw std::system_error(ec, "server.host '" + impl_->site.cfg.host + "' is not an IP address");
  tcp::endpoint ep(address, impl_->site.cfg.port);
  const std::string where = impl_->site.cfg.host + ":" + std::to_string(impl_->site.cfg.port);
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + where);
  // The route table, for operators (and for the test that holds the OpenAPI document to it).
  for (const auto& [method, pattern] : impl_->site.router.routes())
    spdlog::debug("route {} {}", method, pattern);
  asio::co_spawn(a.get_executor(), impl_->accept_loop(), asio::detached);
  asio::co_spawn(a.get_executor(), impl_->sweep_loop(), asio::detached);
  return a.local_endpoint().port();
}

bool HttpServer::draining() const {
  return impl_->site.draining.load();
}

void HttpServer::drain(std::function<void()> on_drained) {
  auto self = impl_;
  if (self->site.draining.exchange(true)) return;
  asio::post(self->acceptor.get_executor(), [self, cb = std::move(on_drained)]() mutable {
    boost::system::error_code ignored;
    self->acceptor.close(ignored);
    self->grace_end = Clock::now() + self->site.cfg.shutdown_grace;
    std::vector<std::shared_ptr<Connection>> snapshot;
    {
      std::lock_guard lock(self->conns_mutex);
      if (self->conns.empty()) {
        asio::post(self->ioc, std::move(cb));
        return;
      }
      self->on_drained = std::move(cb);
      for (auto& [id, c] : self->conns)
        snapshot.push_back(c);
    }
    spdlog::info("draining {} connection(s), grace {} ms", snapshot.size(),
                 self->site.cfg.shutdown_grace.count());
    for (auto& c : snapshot)
      asio::post(c->socket.get_executor(), [c] {
        boost::system::error_code ignored;
        if (c->idle) c->socket.cancel(ignored);
        if (c->stream_waker) c->stream_waker();  // streams see closing() and end
      });
  });
}

void HttpServer::Impl::remove_connection(std::uint64_t id) {
  std::function<void()> done;
  {
    std::lock_guard lock(conns_mutex);
    conns.erase(id);
    if (site.draining && conns.empty() && on_drained) {
      done = std::move(on_drained);
      on_drained = nullptr;
    }
  }
  if (done) asio::post(ioc, std::move(done));
}

// Every kSweepInterval: cancel operations past their deadline, and when draining past the grace
// period, cut what is left. Ends once draining has emptied the server.
awaitable<void> HttpServer::Impl::sweep_loop() {
  auto self = shared_from_this();
  asio::steady_timer timer(acceptor.get_executor());
  bool cut = false;
  for (;;) {
    timer.expires_after(kSweepInterval);
    auto [ec] = co_await timer.async_wait(use_nothrow);
    if (ec) co_return;
    const auto now = Clock::now();
    const bool grace_over = site.draining && !cut && now >= grace_end;
    std::lock_guard lock(conns_mutex);
    if (site.draining && conns.empty()) co_return;
    if (grace_over) {
      cut = true;
      spdlog::warn("shutdown grace over: cutting {} connection(s)", conns.size());
    }
    // Init-captures ([c = c]): clang before 16 cannot capture a structured binding by name.
    for (auto& [id, c] : conns) {
      if (grace_over) {
        asio::post(c->socket.get_executor(), [c = c] {
          boost::system::error_code ignored;
          c->socket.close(ignored);
        });
        continue;
      }
      const auto d = c->deadline.load(std::memory_order_relaxed);
      if (d != 0 && ticks(now) >= d) {
        const auto gen = c->generation.load(std::memory_order_relaxed);
        asio::post(c->socket.get_executor(), [c = c, gen] { c->on_deadline(gen); });
      }
    }
  }
}

awaitable<void> HttpServer::Impl::accept_loop() {
  auto self = shared_from_this();
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), use_nothrow);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      // EMFILE and friends: log and back off briefly instead of spinning.
      spdlog::error("accept failed: {}", ec.message());
      asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await t.async_wait(use_nothrow);
      continue;
    }
    if (site.draining) co_return;
    boost::system::error_code nd;
    socket.set_option(tcp::no_delay(true), nd);
    std::uint64_t id = 0;
    std::shared_ptr<Connection> conn;
    {
      std::lock_guard lock(conns_mutex);
      if (conns.size() >= site.cfg.max_connections) {
        auto ex = socket.get_executor();
        asio::co_spawn(ex, reject_busy(std::move(socket)), asio::detached);
        continue;
      }
      id = ++next_conn_id;
      conn = std::make_shared<Connection>(std::move(socket));
      conns.emplace(id, conn);
    }
    // The completion handler holds the server for as long as the connection needs its site.
    asio::co_spawn(conn->socket.get_executor(), serve_connection(site, conn),
                   [self, id](std::exception_ptr) { self->remove_connection(id); });
  }
}

awaitable<void> HttpServer::Impl::reject_busy(tcp::socket socket) {
  auto self = shared_from_this();
  spdlog::warn("connection refused: server.max_connections ({}) reached", site.cfg.max_connections);
  auto res =
      error_response(Status::service_unavailable, "busy", "too many connections; retry later");
  finish_headers(res, new_request_id());
  res.set(bhttp::field::retry_after, "1");
  res.keep_alive(false);
  // A few hundred bytes into an empty send buffer: this write completes at once, no deadline
  // needed.
  co_await bhttp::async_write(socket, res, use_nothrow);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace mcpgw::http
