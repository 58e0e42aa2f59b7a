#pragma once
// Outbound HTTP/1.1 for REST tools and upstream MCP servers: keep-alive connections pooled per
// origin, TLS with peer and host name verification on by default, a deadline per request, a bound
// on response size.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/upstream_error.h"

namespace mcpgw::gateway {

// Lets another task end an exchange early (a client's notifications/cancelled). Thread-safe.
class Abort {
 public:
  void fire();
  bool fired() const;

 private:
  friend class HttpClient;
  // Installed by the exchange while it waits: cancels its I/O on the exchange's own executor.
  void set_canceller(std::function<void()> c);
  mutable std::mutex mutex_;
  bool fired_ = false;
  std::function<void()> canceller_;
};

struct OutboundRequest {
  std::string method = "GET";
  std::string url;  // absolute http or https URL, already percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Without on_stream: the whole exchange. With it: connecting, and each wait for more bytes.
  std::chrono::milliseconds timeout{30'000};
  // When set and the response is text/event-stream (status 2xx), its body is not collected: each
  // piece goes to on_stream as it arrives, until the body ends or on_stream returns false.
  std::function<bool(std::string_view)> on_stream;
  // Streams: how long the next wait for more bytes may last, asked before each wait (unset:
  // timeout). Lets a caller allow a longer silence while the stream waits on someone else.
  std::function<std::chrono::milliseconds()> stream_wait;
  std::shared_ptr<Abort> abort;
  // Repeating the request is harmless (an MCP ping or list, say): a reused connection that died
  // before answering gets the request again on a new one, as GET would.
  bool retry_safe = false;
  // Response header fields to copy into OutboundResponse::headers.
  std::vector<std::string> keep_headers;
};

struct OutboundResponse {
  unsigned status = 0;  // 0 when no response arrived; then `failure` says why
  std::string reason;
  std::string body;
  std::string content_type;
  // Why the exchange did not complete: always with status 0, except for a stream that broke
  // after it began (disconnected; the status is the stream's). Kind cancelled: by Abort::fire.
  std::optional<UpstreamError> failure;
  std::vector<std::pair<std::string, std::string>> headers;  // those named in keep_headers
  bool streamed = false;                                     // the body went to on_stream

  // failure's text, "" when there is none (for logs and messages).
  std::string failure_text() const { return failure ? failure->text() : std::string(); }
};

class HttpClient {
 public:
  struct Options {
    bool verify_tls = true;
    std::size_t max_idle_per_origin =
        256;  // above the usual concurrency: a dropped one is re-dialed
    std::size_t max_response_bytes = 16 * 1024 * 1024;
  };
  HttpClient(boost::asio::any_io_executor ex, Options options);
  ~HttpClient();

  boost::asio::awaitable<OutboundResponse> send(const OutboundRequest& request);
  // The executor its connections are made on (for work spawned in the background).
  boost::asio::any_io_executor executor() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mcpgw::gateway
