#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <unordered_map>

#include "common/crypto.h"
#include "common/version.h"
#include "http/date.h"
#include "observability/access_log.h"

namespace mcpgw::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using std::chrono::steady_clock;
constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

namespace {

// After an error response on a connection whose request was not read to the end, the peer may
// still be sending. Closing with unread data makes the kernel send RST, which can destroy the
// response before the client reads it; so half-close and discard input for a moment first.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 1 << 20;

// One request id per request: a per-process random prefix and a counter (unique, cheap, not a
// secret). An incoming X-Request-Id of safe characters is kept, so ids follow a request through
// proxies.
std::string new_request_id() {
  static const std::string prefix = crypto::random_hex(4);
  static std::atomic<std::uint64_t> counter{0};
  return prefix + "-" + std::to_string(++counter);
}

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return false;
  return true;
}

std::string_view path_only(std::string_view target) {
  return target.substr(0, target.find('?'));
}

using Clock = steady_clock;

std::int64_t ticks(Clock::time_point t) {
  return t.time_since_epoch().count();
}

// One client connection. Timeouts are enforced by the server's deadline sweep rather than a timer
// per operation: arming and cancelling timers on every read and write costs the reactor's lock and
// a timerfd update each time, while a deadline here is two relaxed stores.
struct Connection {
  explicit Connection(tcp::socket s) : socket(std::move(s)) {}
  tcp::socket socket;

  // Strand-only state.
  bool idle = true;                    // waiting for the first byte of a request
  bool timed_out = false;              // the sweep cancelled the current operation
  std::function<void()> stream_waker;  // set while a streamed response is being written

  // Deadline of the current operation (Clock ticks, 0 = none), read by the sweep from any thread.
  // The generation number lets the strand tell the deadline it was told about from a newer one.
  std::atomic<std::int64_t> deadline{0};
  std::atomic<std::uint64_t> generation{0};

  void expire_in(std::chrono::milliseconds d) {
    timed_out = false;
    generation.fetch_add(1, std::memory_order_relaxed);
    deadline.store(ticks(Clock::now() + d), std::memory_order_relaxed);
  }
  void no_deadline() {
    generation.fetch_add(1, std::memory_order_relaxed);
    deadline.store(0, std::memory_order_relaxed);
  }
  // On the strand, after the sweep saw `gen` expired: re-check here, where the coroutine's own
  // writes are visible, so that a stale observation never cancels a newer operation.
  void on_deadline(std::uint64_t gen) {
    const auto d = deadline.load(std::memory_order_relaxed);
    if (gen != generation.load(std::memory_order_relaxed) || d == 0 || ticks(Clock::now()) < d)
      return;
    deadline.store(0, std::memory_order_relaxed);
    timed_out = true;
    boost::system::error_code ignored;
    socket.cancel(ignored);
  }
};

// Parses what is already buffered without another asynchronous operation: a request that arrived
// whole in one read costs no further scheduling. Returns need_more-free errors only.
boost::system::error_code parse_buffered(bhttp::request_parser<bhttp::string_body>& parser,
                                         beast::flat_buffer& buffer) {
  boost::system::error_code ec;
  while (buffer.size() > 0 && !parser.is_done()) {
    const auto n = parser.put(buffer.data(), ec);
    buffer.consume(n);
    if (ec == bhttp::error::need_more) return {};
    if (ec || n == 0) break;
  }
  return ec;
}

constexpr auto kSweepInterval = std::chrono::milliseconds(100);

// The serialized status line and fields of a response (for a streamed body that follows).
std::string serialize_head(bhttp::response<bhttp::empty_body>& head) {
  bhttp::response_serializer<bhttp::empty_body> sr{head};
  sr.split(true);
  std::string out;
  boost::system::error_code ec;
  while (!ec && !sr.is_header_done())
    sr.next(ec, [&](boost::system::error_code&, const auto& buffers) {
      const auto n = beast::buffer_bytes(buffers);
      const auto at = out.size();
      out.resize(at + n);
      asio::buffer_copy(asio::buffer(out.data() + at, n), buffers);
      sr.consume(n);
    });
  return out;
}

// The body of a streamed response on one connection: chunks under the write deadline, and a wait
// that a waker from any thread can end. A wake that comes while nobody waits is remembered.
// Writes are gathered and go out when the writer waits (or finishes, or has much to send), so
// that a response whose head, events and end are ready together leaves in one send. The first
// wait holds the head back for up to kHoldHead: a call answered at once then costs one send, not
// four, and a slow one shows its head a moment later.
class ChunkedStream final : public ResponseStream {
 public:
  static constexpr auto kHoldHead = std::chrono::milliseconds(2);
  static constexpr std::size_t kFlushAt = 64 * 1024;

  ChunkedStream(std::shared_ptr<Connection> conn, std::chrono::milliseconds write_timeout,
                const std::atomic<bool>& server_draining, std::string head)
      : conn_(std::move(conn)),
        write_timeout_(write_timeout),
        draining_(server_draining),
        wake_(std::make_shared<WakeState>(conn_->socket.get_executor())),
        out_(std::move(head)) {}

  awaitable<bool> write(std::string_view data) override {
    if (failed_) co_return false;
    if (data.empty()) co_return true;  // an empty chunk would end the body
    char size[20];
    const auto n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    out_.append(size, static_cast<std::size_t>(n));
    out_.append(data);
    out_.append("\r\n");
    bytes_ += data.size();
    if (out_.size() >= kFlushAt) co_return co_await flush();
    co_return true;
  }

  awaitable<Wake> wait(std::chrono::milliseconds timeout) override {
    // (Named results, no co_await inside a condition: see common/offload.h on GCC 12.)
    if (!wake_->pending && !held_ && !out_.empty()) {
      held_ = true;
      const auto hold = std::min<std::chrono::milliseconds>(timeout, kHoldHead);
      const Wake held = co_await sleep(hold);
      if (held == Wake::woken) co_return held;
      timeout -= hold;
    }
    // Nothing may sit in the buffer while the writer sleeps. A failed send ends the wait as a
    // timeout, so that the writer's next write learns of it at once.
    const bool sent = co_await flush();
    if (!sent) co_return Wake::timeout;
    const Wake w = co_await sleep(timeout);
    co_return w;
  }

  std::function<void()> waker() override {
    std::weak_ptr<WakeState> weak = wake_;
    return [weak] {
      if (auto w = weak.lock())
        asio::post(w->executor, [w] {
          w->pending = true;
          w->timer.cancel();
        });
    };
  }

  bool closing() const override { return draining_.load(); }

  // The last chunk, then everything still buffered. False when the client is gone.
  awaitable<bool> finish() {
    if (!failed_) out_.append("0\r\n\r\n");
    co_return co_await flush();
  }
  bool failed() const { return failed_; }
  std::size_t bytes() const { return bytes_; }

 private:
  struct WakeState {
    explicit WakeState(asio::any_io_executor ex) : executor(ex), timer(ex) {}
    asio::any_io_executor executor;
    asio::steady_timer timer;
    bool pending = false;  // strand-only
  };

  awaitable<bool> flush() {
    if (failed_ || out_.empty()) co_return !failed_;
    conn_->expire_in(write_timeout_);
    auto [ec, n] = co_await asio::async_write(conn_->socket, asio::buffer(out_), use_nothrow);
    conn_->no_deadline();
    out_.clear();
    if (ec) failed_ = true;
    co_return !failed_;
  }

  awaitable<Wake> sleep(std::chrono::milliseconds timeout) {
    if (!wake_->pending) {
      wake_->timer.expires_after(timeout);
      co_await wake_->timer.async_wait(use_nothrow);
    }
    if (!wake_->pending) co_return Wake::timeout;
    wake_->pending = false;
    co_return Wake::woken;
  }

  std::shared_ptr<Connection> conn_;
  std::chrono::milliseconds write_timeout_;
  const std::atomic<bool>& draining_;
  std::shared_ptr<WakeState> wake_;
  std::string out_;  // not yet sent
  bool held_ = false;
  bool failed_ = false;
  std::size_t bytes_ = 0;
};

struct RouteEntry {
  Access access;
  Handler handler;
};

}  // namespace

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& ioc, const config::ServerConfig& cfg, const Guard& guard,
       std::shared_ptr<const observability::AccessLog> access_log)
      : ioc(ioc),
        cfg(cfg),
        guard(guard),
        access_log(std::move(access_log)),
        acceptor(asio::make_strand(ioc)) {}

  asio::io_context& ioc;
  config::ServerConfig cfg;
  const Guard& guard;
  std::shared_ptr<const observability::AccessLog> access_log;
  Router router;
  std::vector<RouteEntry> routes;
  tcp::acceptor acceptor;  // its strand also runs the deadline sweep

  std::atomic<bool> is_draining{false};
  std::mutex
      conns_mutex;  // guards conns, next_conn_id, on_drained; taken per connection, not per request
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> conns;
  std::uint64_t next_conn_id = 0;
  std::function<void()> on_drained;
  Clock::time_point grace_end{};  // set when draining starts; acceptor strand only

  awaitable<void> accept_loop();
  awaitable<void> sweep_loop();
  awaitable<void> session(std::uint64_t id, std::shared_ptr<Connection> conn);
  awaitable<bool> write_streamed(const std::shared_ptr<Connection>& conn, Response& res,
                                 const Streamer& streamer, bool keep_alive, const std::string& rid,
                                 steady_clock::time_point start, const std::string& subject,
                                 std::string_view peer, const Request& req);
  awaitable<void> reject_busy(tcp::socket socket);
  awaitable<Response> dispatch(Request& req, Exchange& ctx, std::string& subject);
  void finish_headers(Response& res, const std::string& request_id) const;
  void log_access(const Request* req, std::string_view target, unsigned status, std::size_t bytes,
                  steady_clock::time_point start, const std::string& rid,
                  const std::string& subject, std::string_view peer) const;
  void remove_connection(std::uint64_t id);
};

HttpServer::HttpServer(asio::io_context& ioc, const config::ServerConfig& cfg, const Guard& guard,
                       std::shared_ptr<const observability::AccessLog> access_log)
    : impl_(std::make_shared<Impl>(ioc, cfg, guard, std::move(access_log))) {}

HttpServer::~HttpServer() = default;

void HttpServer::route(std::string method, std::string_view pattern, Access access,
                       Handler handler) {
  impl_->router.add(std::move(method), pattern);
  impl_->routes.push_back({std::move(access), std::move(handler)});
}

const Router& HttpServer::router() const {
  return impl_->router;
}

std::uint16_t HttpServer::start() {
  auto& a = impl_->acceptor;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(impl_->cfg.host, ec);
  if (ec) throw std::system_error(ec, "server.host '" + impl_->cfg.host + "' is not an IP address");
  tcp::endpoint ep(address, impl_->cfg.port);
  const std::string where = impl_->cfg.host + ":" + std::to_string(impl_->cfg.port);
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::system_error(ec, "cannot listen on " + where);
  // The route table, for operators (and for the test that holds the OpenAPI document to it).
  for (const auto& [method, pattern] : impl_->router.routes())
    spdlog::debug("route {} {}", method, pattern);
  asio::co_spawn(a.get_executor(), impl_->accept_loop(), asio::detached);
  asio::co_spawn(a.get_executor(), impl_->sweep_loop(), asio::detached);
  return a.local_endpoint().port();
}

bool HttpServer::draining() const {
  return impl_->is_draining.load();
}

void HttpServer::drain(std::function<void()> on_drained) {
  auto self = impl_;
  if (self->is_draining.exchange(true)) return;
  asio::post(self->acceptor.get_executor(), [self, cb = std::move(on_drained)]() mutable {
    boost::system::error_code ignored;
    self->acceptor.close(ignored);
    self->grace_end = Clock::now() + self->cfg.shutdown_grace;
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
                 self->cfg.shutdown_grace.count());
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
    if (is_draining && conns.empty() && on_drained) {
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
    const bool grace_over = is_draining && !cut && now >= grace_end;
    std::lock_guard lock(conns_mutex);
    if (is_draining && conns.empty()) co_return;
    if (grace_over) {
      cut = true;
      spdlog::warn("shutdown grace over: cutting {} connection(s)", conns.size());
    }
    for (auto& [id, c] : conns) {
      if (grace_over) {
        asio::post(c->socket.get_executor(), [c] {
          boost::system::error_code ignored;
          c->socket.close(ignored);
        });
        continue;
      }
      const auto d = c->deadline.load(std::memory_order_relaxed);
      if (d != 0 && ticks(now) >= d) {
        const auto gen = c->generation.load(std::memory_order_relaxed);
        asio::post(c->socket.get_executor(), [c, gen] { c->on_deadline(gen); });
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
    if (is_draining) co_return;
    boost::system::error_code nd;
    socket.set_option(tcp::no_delay(true), nd);
    std::uint64_t id = 0;
    std::shared_ptr<Connection> conn;
    {
      std::lock_guard lock(conns_mutex);
      if (conns.size() >= cfg.max_connections) {
        auto ex = socket.get_executor();
        asio::co_spawn(ex, reject_busy(std::move(socket)), asio::detached);
        continue;
      }
      id = ++next_conn_id;
      conn = std::make_shared<Connection>(std::move(socket));
      conns.emplace(id, conn);
    }
    asio::co_spawn(conn->socket.get_executor(), session(id, conn), asio::detached);
  }
}

awaitable<void> HttpServer::Impl::reject_busy(tcp::socket socket) {
  auto self = shared_from_this();
  spdlog::warn("connection refused: server.max_connections ({}) reached", cfg.max_connections);
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

void HttpServer::Impl::finish_headers(Response& res, const std::string& request_id) const {
  res.set(bhttp::field::server, "mcpgw");
  res.set(bhttp::field::date, http_date());
  res.set("X-Request-Id", request_id);
  if (res.find(bhttp::field::cache_control) == res.end())
    res.set(bhttp::field::cache_control, "no-store");
}

awaitable<Response> HttpServer::Impl::dispatch(Request& req, Exchange& ctx, std::string& subject) {
  RouteMatch m = router.match(req.method_string(), req.target());
  switch (m.kind) {
    case RouteMatch::Kind::bad_path:
      co_return error_response(Status::bad_request, "bad_request", "malformed request target");
    case RouteMatch::Kind::not_found:
      co_return error_response(Status::not_found, "not_found", "no such route");
    case RouteMatch::Kind::method_not_allowed: {
      auto res = error_response(Status::method_not_allowed, "method_not_allowed",
                                "method not allowed on this route");
      res.set(bhttp::field::allow, m.allow);
      co_return res;
    }
    case RouteMatch::Kind::found:
      break;
  }
  const RouteEntry& route = routes[m.index];
  ctx.params = std::move(m.params);
  if (route.access.kind != Access::Kind::open) {
    Guard::Verdict verdict = guard.admit(route.access, ctx);
    subject = std::move(verdict.subject);
    if (verdict.refusal) co_return std::move(*verdict.refusal);
  }
  try {
    co_return co_await route.handler(ctx);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {}: handler failed: {}", ctx.request_id,
                  std::string(req.method_string()), path_only(req.target()), e.what());
  }
  co_return error_response(
      Status::internal_server_error, "internal_error",
      "the request failed; see the server log for request id " + ctx.request_id);
}

void HttpServer::Impl::log_access(const Request* req, std::string_view target, unsigned status,
                                  std::size_t bytes, steady_clock::time_point start,
                                  const std::string& rid, const std::string& subject,
                                  std::string_view peer) const {
  if (!access_log) return;
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(steady_clock::now() - start).count();
  // Query strings are left out: they are the one place a careless client may put a secret.
  access_log->write({req ? std::string_view(req->method_string()) : std::string_view("-"),
                     path_only(target), status, bytes, us, rid, subject, peer});
}

// Header with chunked transfer coding, the streamer's chunks, the last chunk. False when the
// connection cannot be used any more.
awaitable<bool> HttpServer::Impl::write_streamed(const std::shared_ptr<Connection>& conn,
                                                 Response& res, const Streamer& streamer,
                                                 bool keep_alive, const std::string& rid,
                                                 steady_clock::time_point start,
                                                 const std::string& subject, std::string_view peer,
                                                 const Request& req) {
  finish_headers(res, rid);
  bhttp::response<bhttp::empty_body> head;
  head.base() = res.base();
  head.erase(bhttp::field::content_length);
  head.chunked(true);
  head.keep_alive(keep_alive);
  ChunkedStream body(conn, cfg.read_timeout, is_draining, serialize_head(head));
  conn->stream_waker = body.waker();
  try {
    co_await streamer(body);
  } catch (const std::exception& e) {
    spdlog::error("request {}: streamed response failed: {}", rid, e.what());
  }
  conn->stream_waker = nullptr;
  const bool ok = co_await body.finish();
  const std::size_t bytes = body.bytes();
  log_access(&req, req.target(), res.result_int(), bytes, start, rid, subject, peer);
  co_return ok;
}

awaitable<void> HttpServer::Impl::session(std::uint64_t id, std::shared_ptr<Connection> conn) {
  auto self = shared_from_this();
  auto& socket = conn->socket;
  std::string peer;
  {
    boost::system::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) peer = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  beast::flat_buffer buffer;
  bool linger = false;
  try {
    for (;;) {
      // Between requests: wait for the first byte under the idle timeout. A drain cancels this.
      conn->idle = true;
      if (is_draining) break;
      if (buffer.size() == 0) {
        conn->expire_in(cfg.idle_timeout);
        auto [ec, n] = co_await socket.async_read_some(buffer.prepare(4096), use_nothrow);
        if (ec) break;  // idle timeout, peer closed, or drained: nothing to answer
        buffer.commit(n);
      }
      conn->idle = false;
      const auto start = steady_clock::now();
      std::string rid = new_request_id();

      // The whole request must arrive within read_timeout of its first byte.
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
      parser.body_limit(cfg.max_body_bytes);
      conn->expire_in(cfg.read_timeout);
      boost::system::error_code ec = parse_buffered(parser, buffer);
      if (!ec && !parser.is_header_done()) {
        auto [hec, hn] = co_await bhttp::async_read_header(socket, buffer, parser, use_nothrow);
        ec = hec;
      }
      if (!ec && !parser.is_done()) {
        auto& h = parser.get();
        if (auto it = h.find(bhttp::field::expect);
            it != h.end() && beast::iequals(it->value(), "100-continue") && buffer.size() == 0) {
          bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
          auto [wec, wn] = co_await bhttp::async_write(socket, cont, use_nothrow);
          ec = wec;
        }
        if (!ec) {
          auto [bec, bn] = co_await bhttp::async_read(socket, buffer, parser, use_nothrow);
          ec = bec;
        }
      }
      if (ec && conn->timed_out) ec = beast::error::timeout;
      if (ec) {
        Status st;
        std::string_view err;
        std::string detail;
        if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
          break;
        if (ec == beast::error::timeout) {
          st = Status::request_timeout;
          err = "request_timeout";
          detail =
              "request not received within " + std::to_string(cfg.read_timeout.count()) + " ms";
        } else if (ec == bhttp::error::header_limit) {
          st = Status::request_header_fields_too_large;
          err = "header_too_large";
          detail = "request headers exceed " + std::to_string(cfg.max_header_bytes) + " bytes";
        } else if (ec == bhttp::error::body_limit) {
          st = Status::payload_too_large;
          err = "body_too_large";
          detail = "request body exceeds " + std::to_string(cfg.max_body_bytes) + " bytes";
        } else {
          st = Status::bad_request;
          err = "bad_request";
          detail = "malformed HTTP request: " + ec.message();
        }
        auto res = error_response(st, err, detail);
        finish_headers(res, rid);
        res.keep_alive(false);
        conn->expire_in(std::chrono::seconds(5));
        auto [wec, wn] = co_await bhttp::async_write(socket, res, use_nothrow);
        const auto& hdr = parser.get();
        log_access(parser.is_header_done() ? &hdr : nullptr,
                   parser.is_header_done() ? hdr.target() : "-", res.result_int(),
                   res.body().size(), start, rid, "", peer);
        spdlog::info("request {} from {} rejected: {}", rid, peer, detail);
        linger = !wec;
        break;
      }
      conn->no_deadline();

      Request req = parser.release();
      if (auto it = req.find("X-Request-Id"); it != req.end() && acceptable_request_id(it->value()))
        rid = std::string(it->value());
      Exchange ctx{req, {}, {}, rid, peer, {}};
      std::string subject;
      Response res = co_await dispatch(req, ctx, subject);
      bool keep_alive = req.keep_alive() && !is_draining;
      if (ctx.streamer && req.method() != bhttp::verb::head) {
        const bool ok = co_await write_streamed(conn, res, ctx.streamer, keep_alive, rid, start,
                                                subject, peer, req);
        if (!ok || !keep_alive || is_draining) break;
        continue;
      }
      // Framing is set here for every response, so that no handler can send one a client would
      // have to read until the connection closes (a 202 without Content-Length did exactly that).
      res.prepare_payload();
      if (req.method() == bhttp::verb::head) {
        const auto len = res.body().size();
        res.body().clear();
        res.content_length(len);  // HEAD: the GET's length, no body
      }
      finish_headers(res, rid);
      res.keep_alive(keep_alive);
      conn->expire_in(cfg.read_timeout);
      auto [wec, wn] = co_await bhttp::async_write(socket, res, use_nothrow);
      log_access(&req, req.target(), res.result_int(), res.body().size(), start, rid, subject,
                 peer);
      if (wec || !keep_alive) break;
    }
  } catch (const std::exception& e) {
    spdlog::error("connection from {} failed: {}", peer, e.what());
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) {
    conn->expire_in(kLingerTime);
    std::size_t discarded = 0;
    char sink[4096];
    while (discarded < kLingerBytes) {
      auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), use_nothrow);
      if (ec) break;
      discarded += n;
    }
  }
  conn->no_deadline();
  socket.close(ignored);
  remove_connection(id);
}

}  // namespace mcpgw::http
