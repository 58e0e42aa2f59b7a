#pragma once
// Outbound HTTP/1.1 for REST tools: keep-alive connections pooled per origin, TLS with peer and
// host name verification on by default, a deadline per request, a bound on response size.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mcpgw::gateway {

struct OutboundRequest {
  std::string method = "GET";
  std::string url;  // absolute http or https URL, already percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30'000};
};

struct OutboundResponse {
  unsigned status = 0;  // 0 when no response arrived; then `failure` says why
  std::string reason;
  std::string body;
  std::string content_type;
  std::string failure;
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

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mcpgw::gateway
