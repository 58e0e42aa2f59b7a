#include "gateway/http_client.h"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <map>
#include <mutex>

namespace mcpgw::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::awaitable;
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);
// How long the end of a stream is awaited once the caller stopped reading it.
constexpr int kLingerMs = 100;
constexpr std::size_t kPieceBytes = 16 * 1024;
// A pooled connection idle for longer than this is checked before it is used again.
constexpr auto kCheckIdleAfter = std::chrono::milliseconds(1000);
// While the pool holds connections, this often the ones the peer closed meanwhile are dropped
// (without it each stays open in CLOSE_WAIT until its origin is used again), and so are those
// idle for longer than kMaxIdle.
constexpr auto kReapEvery = std::chrono::milliseconds(2000);
constexpr auto kMaxIdle = std::chrono::seconds(60);

namespace {

using Kind = UpstreamError::Kind;

struct Target {
  bool tls = false;
  std::string host, port, origin, path;  // path: origin-form (path + query)
  // The Host header (RFC 9110 7.2): the URL's host as written (an IPv6 literal in brackets) and
  // its port unless it is the scheme's default. Virtual hosts and DNS-rebinding checks upstream
  // depend on the port.
  std::string authority;
};

std::optional<Target> parse_target(const std::string& url, std::optional<UpstreamError>& why) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) {
    why = UpstreamError::of(Kind::unreachable, "not an absolute URL: " + url);
    return std::nullopt;
  }
  Target t;
  if (u->scheme() == "https")
    t.tls = true;
  else if (u->scheme() != "http") {
    why =
        UpstreamError::of(Kind::unreachable, "unsupported URL scheme: " + std::string(u->scheme()));
    return std::nullopt;
  }
  t.host = u->host_address();
  if (t.host.empty()) {
    why = UpstreamError::of(Kind::unreachable, "URL has no host: " + url);
    return std::nullopt;
  }
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.authority = std::string(u->encoded_host());
  if (t.port != (t.tls ? "443" : "80")) t.authority += ":" + t.port;
  t.origin = std::string(u->scheme()) + "://" + t.host + ":" + t.port;
  t.path = std::string(u->encoded_path());
  if (t.path.empty()) t.path = "/";
  if (u->has_query()) t.path += "?" + std::string(u->encoded_query());
  return t;
}

using Request = bhttp::request<bhttp::string_body>;
using Parser = bhttp::response_parser<bhttp::buffer_body>;

// One upstream connection, plain or TLS.
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};  // when it went back to the pool
  // Where body bytes land; per connection, not per exchange, so that an exchange's coroutine
  // frame stays small (a 16 KiB frame per request showed in profiles as malloc consolidation).
  std::unique_ptr<char[]> piece = std::make_unique_for_overwrite<char[]>(kPieceBytes);

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

}  // namespace

struct HttpClient::Impl {
  Impl(asio::any_io_executor ex, Options o)
      : executor(ex), options(o), tls(ssl::context::tls_client), reaper(ex) {
    tls.set_default_verify_paths();
    tls.set_verify_mode(o.verify_tls ? ssl::verify_peer : ssl::verify_none);
  }
  asio::any_io_executor executor;
  Options options;
  ssl::context tls;
  std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;  // by origin
  asio::steady_timer reaper;  // armed (under mutex) while idle holds connections
  bool reaper_armed = false;  // under mutex

  // An idle connection to origin that still looks usable. One the peer closed while it sat in
  // the pool (Node closes idle keep-alive connections after 5 s) shows EOF, or stray bytes, to a
  // non-blocking peek; such connections are dropped here instead of failing a request.
  std::unique_ptr<Connection> take_idle(const std::string& origin) {
    for (;;) {
      std::unique_ptr<Connection> c;
      {
        std::lock_guard lock(mutex);
        auto it = idle.find(origin);
        if (it == idle.end() || it->second.empty()) return nullptr;
        c = std::move(it->second.back());
        it->second.pop_back();
      }
      // Only connections idle for a while are checked: servers close idle ones after seconds,
      // and the check costs three system calls.
      if (std::chrono::steady_clock::now() - c->idle_since < kCheckIdleAfter || still_open(*c))
        return c;
    }
  }
  static bool still_open(Connection& c) {
    auto& socket = c.lowest().socket();
    boost::system::error_code ec;
    socket.non_blocking(true, ec);
    if (ec) return false;
    char byte;
    socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    const auto peeked = ec;
    socket.non_blocking(false, ec);
    return peeked == asio::error::would_block || peeked == asio::error::try_again;
  }
  void give_back(const std::shared_ptr<Impl>& self, const std::string& origin,
                 std::unique_ptr<Connection> c) {
    c->idle_since = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex);
    auto& v = idle[origin];
    if (v.size() < options.max_idle_per_origin) v.push_back(std::move(c));
    if (!reaper_armed) arm_reaper(self);
  }
  // Under mutex. One wait at a time: the timer is touched only here and by its own handler.
  void arm_reaper(const std::shared_ptr<Impl>& self) {
    reaper_armed = true;
    reaper.expires_after(kReapEvery);
    reaper.async_wait([weak = std::weak_ptr<Impl>(self)](boost::system::error_code ec) {
      if (auto impl = weak.lock(); impl && !ec) impl->reap(impl);
    });
  }
  void reap(const std::shared_ptr<Impl>& self) {
    std::vector<std::unique_ptr<Connection>> dead;  // closed outside the lock
    std::lock_guard lock(mutex);
    const auto now = std::chrono::steady_clock::now();
    bool any = false;
    for (auto& [origin, v] : idle) {
      std::erase_if(v, [&](std::unique_ptr<Connection>& c) {
        const auto idle_for = now - c->idle_since;
        if (idle_for < kCheckIdleAfter || (idle_for < kMaxIdle && still_open(*c))) return false;
        dead.push_back(std::move(c));
        return true;
      });
      any = any || !v.empty();
    }
    reaper_armed = false;
    if (any) arm_reaper(self);
  }

  awaitable<std::unique_ptr<Connection>> connect(const Target& t, std::chrono::milliseconds timeout,
                                                 std::optional<UpstreamError>& why) {
    tcp::resolver resolver(executor);
    auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, nothrow);
    if (rec) {
      why = UpstreamError::of(Kind::unreachable, "cannot resolve " + t.host + ": " + rec.message());
      co_return nullptr;
    }
    auto c = std::make_unique<Connection>();
    if (t.tls)
      c->tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(executor, tls);
    else
      c->plain = std::make_unique<beast::tcp_stream>(executor);
    c->lowest().expires_after(timeout);
    auto [cec, ep] = co_await c->lowest().async_connect(endpoints, nothrow);
    if (cec) {
      why = cec == beast::error::timeout
                ? UpstreamError::of(Kind::timeout, "connect timed out after " +
                                                       std::to_string(timeout.count()) + " ms")
                : UpstreamError::of(Kind::unreachable,
                                    "cannot connect to " + t.origin + ": " + cec.message());
      co_return nullptr;
    }
    if (t.tls) {
      // SNI and host name verification: a valid certificate for another name is refused.
      if (!SSL_set_tlsext_host_name(c->tls->native_handle(), t.host.c_str())) {
        why = UpstreamError::of(Kind::unreachable, "TLS: cannot set SNI");
        co_return nullptr;
      }
      if (options.verify_tls) c->tls->set_verify_callback(ssl::host_name_verification(t.host));
      auto [hec] = co_await c->tls->async_handshake(ssl::stream_base::client, nothrow);
      if (hec) {
        why = UpstreamError::of(Kind::unreachable,
                                "TLS handshake with " + t.origin + " failed: " + hec.message());
        co_return nullptr;
      }
    }
    co_return c;
  }

  // One exchange on c: write the request, read the head, then the body. retryable: it failed
  // before any of the response came back; keep: the connection may carry another request.
  awaitable<OutboundResponse> exchange(Connection& c, const Target& t, const OutboundRequest& r,
                                       bool& retryable, bool& keep) {
    OutboundResponse out;
    auto ex = co_await asio::this_coro::executor;  // named: see common/offload.h
    const AbortHook hook(ex, c, r);
    if (r.abort && r.abort->fired()) {
      out.failure = UpstreamError::of(Kind::cancelled, "");
      co_return out;
    }
    Request req = to_request(t, r);
    c.lowest().expires_after(r.timeout);
    boost::system::error_code ec = co_await write(c, req);
    const bool write_failed = static_cast<bool>(ec);
    Parser parser;
    parser.body_limit(boost::none);  // bounded in read_body: collected bodies by max_response_bytes
    if (!ec) ec = co_await read_head(c, parser);
    // Beast reads any three digits as a status. Below 100 is none of HTTP's, and status 0 stands
    // for "no response" (OutboundResponse): such an answer is a failure, not an empty success.
    if (!ec && parser.get().result_int() < 100) ec = bhttp::error::bad_status;
    bool stream_body = false, reusable = true;
    if (!ec) {
      stream_body = take_head(parser, r, out);
      ec = co_await read_body(c, parser, r, stream_body, out, reusable);
    }
    if (ec) {
      if (r.abort && r.abort->fired()) {
        out.failure = UpstreamError::of(Kind::cancelled, "");
        co_return out;
      }
      if (out.status != 0 && ec != bhttp::error::body_limit && ec != beast::error::timeout &&
          stream_body) {
        // The stream broke after it began: the caller decides (it may resume it).
        out.failure = UpstreamError::of(Kind::disconnected,
                                        "stream from " + t.origin + " broke: " + ec.message());
        co_return out;
      }
      // Nothing of a response came back on a connection the peer may have closed while idle. A
      // request that may have been sent is retried only when repeating it is harmless.
      const bool idempotent = r.retry_safe || r.method == "GET" || r.method == "HEAD" ||
                              r.method == "PUT" || r.method == "DELETE" || r.method == "OPTIONS";
      retryable = !parser.got_some() && ec != beast::error::timeout && (write_failed || idempotent);
      out.status = 0;
      out.body.clear();
      out.failure = no_response(ec, t, r, stream_body);
      co_return out;
    }
    keep = reusable && parser.get().keep_alive();
    co_return out;
  }

  // While it lives, r.abort cancels c's I/O, on the exchange's executor where that I/O runs.
  class AbortHook {
   public:
    AbortHook(asio::any_io_executor ex, Connection& c, const OutboundRequest& r)
        : r_(r), live_(std::make_shared<Connection*>(&c)) {
      if (!r_.abort) return;
      r_.abort->set_canceller([ex, live = live_] {
        asio::post(ex, [live] {
          if (*live) (*live)->lowest().cancel();
        });
      });
    }
    ~AbortHook() {
      *live_ = nullptr;
      if (r_.abort) r_.abort->set_canceller(nullptr);
    }
    AbortHook(const AbortHook&) = delete;
    AbortHook& operator=(const AbortHook&) = delete;

   private:
    const OutboundRequest& r_;
    std::shared_ptr<Connection*> live_;
  };

  static Request to_request(const Target& t, const OutboundRequest& r) {
    Request req{bhttp::string_to_verb(r.method), t.path, 11};
    req.set(bhttp::field::host, t.authority);
    req.set(bhttp::field::user_agent, "mcpgw");
    for (const auto& [k, v] : r.headers)
      req.set(k, v);
    req.body() = r.body;
    req.keep_alive(true);
    req.prepare_payload();
    return req;
  }

  static awaitable<boost::system::error_code> write(Connection& c, Request& req) {
    if (c.tls) {
      auto [e, n] = co_await bhttp::async_write(*c.tls, req, nothrow);
      co_return e;
    }
    auto [e, n] = co_await bhttp::async_write(*c.plain, req, nothrow);
    co_return e;
  }

  static awaitable<boost::system::error_code> read_head(Connection& c, Parser& parser) {
    if (c.tls) {
      auto [e, n] = co_await bhttp::async_read_header(*c.tls, c.buffer, parser, nothrow);
      co_return e;
    }
    auto [e, n] = co_await bhttp::async_read_header(*c.plain, c.buffer, parser, nothrow);
    co_return e;
  }

  // Some of the body, as soon as it arrives (async_read would wait for the buffer to fill,
  // holding back an SSE stream's events).
  static awaitable<boost::system::error_code> read_some(Connection& c, Parser& parser) {
    if (c.tls) {
      auto [e, n] = co_await bhttp::async_read_some(*c.tls, c.buffer, parser, nothrow);
      co_return e;
    }
    auto [e, n] = co_await bhttp::async_read_some(*c.plain, c.buffer, parser, nothrow);
    co_return e;
  }

  // The head's status, reason, content type and kept headers into out. True when the body goes
  // to r.on_stream: the caller asked for it, and the response is a 2xx event stream.
  static bool take_head(const Parser& parser, const OutboundRequest& r, OutboundResponse& out) {
    const auto& h = parser.get();
    out.status = h.result_int();
    out.reason = std::string(h.reason());
    out.content_type = std::string(h[bhttp::field::content_type]);
    for (const auto& name : r.keep_headers)
      if (auto it = h.find(name); it != h.end())
        out.headers.emplace_back(name, std::string(it->value()));
    const std::string_view media =
        std::string_view(out.content_type).substr(0, out.content_type.find(';'));
    out.streamed =
        r.on_stream && out.status / 100 == 2 && beast::iequals(media, "text/event-stream");
    return out.streamed;
  }

  // The body, piece by piece: to r.on_stream when stream_body, else into out.body. A stream
  // waits for its events (stream_wait each time); a collected body is bounded by the whole
  // exchange's deadline and by max_response_bytes. reusable turns false when the connection
  // must not carry another request.
  awaitable<boost::system::error_code> read_body(Connection& c, Parser& parser,
                                                 const OutboundRequest& r, bool stream_body,
                                                 OutboundResponse& out, bool& reusable) {
    // A collected body whose Content-Length is over the limit is refused now, not after reading
    // up to the limit (which could outlast the exchange's deadline); its bytes stay unread, so
    // the connection goes.
    if (!stream_body && parser.content_length() &&
        *parser.content_length() > options.max_response_bytes) {
      reusable = false;
      co_return bhttp::error::body_limit;
    }
    char* const piece = c.piece.get();
    bool lingering = false;
    while (!parser.is_done()) {
      parser.get().body().data = piece;
      parser.get().body().size = kPieceBytes;
      if (lingering)
        c.lowest().expires_after(std::chrono::milliseconds(kLingerMs));
      else if (stream_body)
        c.lowest().expires_after(r.stream_wait ? r.stream_wait() : r.timeout);
      boost::system::error_code ec = co_await read_some(c, parser);
      if (ec == bhttp::error::need_buffer) ec = {};
      const std::size_t n = kPieceBytes - parser.get().body().size;
      if (lingering) {
        if (ec) {
          reusable = false;  // the rest did not come at once: drop the connection
          co_return boost::system::error_code{};
        }
      } else if (stream_body) {
        // The caller has what it wanted. The stream usually ends right after (a POST stream
        // closes after its response): wait briefly so that the connection can be reused.
        if (n && !r.on_stream(std::string_view(piece, n))) lingering = true;
      } else {
        out.body.append(piece, n);
        if (out.body.size() > options.max_response_bytes) ec = bhttp::error::body_limit;
      }
      if (ec) co_return ec;
    }
    co_return boost::system::error_code{};
  }

  // Why no response came back, when ec ended the exchange before one did.
  UpstreamError no_response(boost::system::error_code ec, const Target& t, const OutboundRequest& r,
                            bool stream_body) const {
    if (ec == beast::error::timeout)
      return UpstreamError::of(Kind::timeout,
                               (stream_body ? "no message within " : "no response within ") +
                                   std::to_string(r.timeout.count()) + " ms");
    if (ec == bhttp::error::body_limit)
      return UpstreamError::of(
          Kind::too_large,
          "response larger than " + std::to_string(options.max_response_bytes) + " bytes");
    return UpstreamError::of(Kind::disconnected,
                             "request to " + t.origin + " failed: " + ec.message());
  }
};

void Abort::fire() {
  std::function<void()> c;
  {
    std::lock_guard lock(mutex_);
    fired_ = true;
    c = canceller_;
  }
  if (c) c();
}

bool Abort::fired() const {
  std::lock_guard lock(mutex_);
  return fired_;
}

void Abort::set_canceller(std::function<void()> c) {
  std::lock_guard lock(mutex_);
  canceller_ = std::move(c);
}

HttpClient::HttpClient(asio::any_io_executor ex, Options options)
    : impl_(std::make_shared<Impl>(ex, options)) {}
HttpClient::~HttpClient() = default;

asio::any_io_executor HttpClient::executor() const {
  return impl_->executor;
}

awaitable<OutboundResponse> HttpClient::send(const OutboundRequest& request) {
  auto self = impl_;
  OutboundResponse out;
  std::optional<UpstreamError> why;
  auto target = parse_target(request.url, why);
  if (!target) {
    out.failure = why;
    co_return out;
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto conn = attempt == 0 ? self->take_idle(target->origin) : nullptr;
    const bool reused = conn != nullptr;
    if (!conn) conn = co_await self->connect(*target, request.timeout, why);
    if (!conn) {
      out.failure = why;
      co_return out;
    }
    bool retryable = false, keep = false;
    out = co_await self->exchange(*conn, *target, request, retryable, keep);
    const bool cancelled = out.failure && out.failure->kind == Kind::cancelled;
    if (out.status != 0 || cancelled) {
      if (keep && !out.failure) self->give_back(self, target->origin, std::move(conn));
      co_return out;
    }
    // Only a reused keep-alive connection that died before answering is worth another try.
    if (!(reused && retryable)) co_return out;
  }
  co_return out;
}

}  // namespace mcpgw::gateway
