// The bytes of one HTTP/1.1 request as a client sends them, through what mcpgw does with them
// before a handler runs: Beast's request_parser with the limits http/connection.cpp sets
// (server.max_header_bytes, server.max_body_bytes of the default config), fed as
// parse_buffered() feeds it; then the router (mcpgw's route patterns), the X-Request-Id rule,
// the transport's Accept, Content-Type, Origin and Host checks and era classification
// (transport/wire.h, modern_endpoint.h), the admin API's JSON body rule (admin/validation.h),
// and the head of a chunked response built from the request's fields (http/chunked_stream.h).
//
// Invariants: the request parses to the same message (or fails alike) whether its bytes arrive
// at once or in pieces; nothing above the parser throws; a route match names what it matched; a
// modern revision header makes the POST modern; a JSON body is exactly one of value and error;
// a chunked head is one HTTP/1.1 response head with chunked framing and the keep-alive asked for.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "admin/validation.h"
#include "config/config.h"
#include "fuzz_support.h"
#include "http/chunked_stream.h"
#include "http/router.h"
#include "http/site.h"
#include "protocol/message.h"
#include "protocol/names.h"
#include "transport/modern_endpoint.h"
#include "transport/wire.h"

namespace bhttp = boost::beast::http;
using namespace mcpgw;
using RequestParser = bhttp::request_parser<bhttp::string_body>;

namespace {

const config::ServerConfig kLimits{};

// What http/connection.cpp's parse_buffered() and Beast's async_read do with the bytes: put what
// is buffered, keep what was not consumed, and tell the parser when the peer has closed.
struct Outcome {
  boost::system::error_code ec;
  std::optional<http::Request> request;
};
Outcome parse(std::string_view bytes, std::size_t piece) {
  RequestParser parser;
  parser.header_limit(static_cast<std::uint32_t>(kLimits.max_header_bytes));
  parser.body_limit(kLimits.max_body_bytes);
  std::string buffer;
  boost::system::error_code ec;
  for (std::size_t at = 0; at < bytes.size() && !parser.is_done() && !ec;) {
    const auto n = std::min(piece, bytes.size() - at);
    buffer.append(bytes.substr(at, n));
    at += n;
    while (!buffer.empty() && !parser.is_done()) {
      const auto used = parser.put(boost::asio::buffer(buffer), ec);
      buffer.erase(0, used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        break;
      }
      if (ec || used == 0) break;
    }
  }
  // The peer closed: Beast's read reports end_of_stream when the parser got nothing yet, else
  // tells the parser (http/impl/read.hpp).
  if (!ec && !parser.is_done()) {
    if (!parser.got_some())
      ec = bhttp::error::end_of_stream;
    else
      parser.put_eof(ec);
  }
  Outcome out{ec, std::nullopt};
  if (!ec && parser.is_done()) out.request = parser.release();
  return out;
}

bool same(const http::Request& a, const http::Request& b) {
  if (a.method_string() != b.method_string() || a.target() != b.target() ||
      a.version() != b.version() || a.body() != b.body())
    return false;
  auto i = a.begin(), j = b.begin();
  for (; i != a.end() && j != b.end(); ++i, ++j)
    if (i->name_string() != j->name_string() || i->value() != j->value()) return false;
  return i == a.end() && j == b.end();
}

// mcpgw's route patterns (the MCP endpoints, admin collections, system routes).
const http::Router& routes() {
  static const http::Router r = [] {
    http::Router r;
    for (const char* m : {"POST", "GET", "DELETE"}) {
      r.add(m, "/mcp");
      r.add(m, "/servers/{id}/mcp");
    }
    for (const char* c : {"/v1/tools", "/v1/servers", "/v1/gateways", "/v1/resources",
                          "/v1/prompts", "/v1/tokens"}) {
      r.add("GET", c);
      r.add("POST", c);
      r.add("GET", std::string(c) + "/{id}");
      r.add("PUT", std::string(c) + "/{id}");
      r.add("PATCH", std::string(c) + "/{id}");
      r.add("DELETE", std::string(c) + "/{id}");
    }
    r.add("POST", "/v1/gateways/{id}/refresh");
    for (const char* p : {"/health", "/ready", "/version", "/v1/whoami", "/v1/openapi.json"})
      r.add("GET", p);
    return r;
  }();
  return r;
}

void classify(const http::Request& req) {
  const http::RouteMatch m = routes().match(req.method_string(), req.target());
  if (m.kind == http::RouteMatch::Kind::found) {
    for (const auto& [name, value] : m.params.values)
      FUZZ_CHECK(!name.empty() && !value.empty());
  }
  if (m.kind == http::RouteMatch::Kind::method_not_allowed) FUZZ_CHECK(!m.allow.empty());

  if (auto id = transport::header(req, "X-Request-Id")) {
    if (http::acceptable_request_id(*id)) FUZZ_CHECK(!id->empty() && id->size() <= 64);
  }
  const auto accept = transport::header(req, "Accept");
  const transport::Accepts a = transport::parse_accept(accept.value_or(""));
  if (!accept || accept->empty()) FUZZ_CHECK(a.json && a.sse);
  if (auto ct = transport::header(req, "Content-Type")) {
    if (transport::media_is(*ct, "application/json"))
      FUZZ_CHECK(transport::media_is(*ct, "APPLICATION/JSON"));
  }
  if (auto origin = transport::header(req, protocol::header::kOrigin)) {
    if (transport::is_local_origin(*origin))
      FUZZ_CHECK(origin->starts_with("http://") || origin->starts_with("https://"));
  }
  static_cast<void>(transport::is_local_host(req[bhttp::field::host]));

  const bool modern_header = transport::names_modern_revision(req);
  if (req.method() == bhttp::verb::post) {
    const bool modern = transport::is_modern_post(req);
    if (modern_header) FUZZ_CHECK(modern);
    static_cast<void>(jsonrpc::parse(req.body()));
  }

  const admin::JsonBody body = admin::parse_json_object_body(req);
  FUZZ_CHECK(body.value.has_value() != body.error.has_value());
  if (body.value) FUZZ_CHECK(body.value->is_object());
}

// The head ChunkedStream sends first, for a response carrying the request's fields (the framing
// fields aside: chunked_head owns those, and no handler sets them).
void chunked(const http::Request& req) {
  http::Response res{http::Status::ok, 11};
  for (const auto& f : req)
    if (f.name() != bhttp::field::transfer_encoding && f.name() != bhttp::field::connection &&
        f.name() != bhttp::field::content_length && f.name() != bhttp::field::upgrade)
      res.insert(f.name_string(), f.value());
  const bool keep_alive = req.keep_alive();
  const std::string head = http::chunked_head(res, keep_alive);
  bhttp::response_parser<bhttp::empty_body> p;
  p.skip(true);  // the body (chunks) follows later
  boost::system::error_code ec;
  p.put(boost::asio::buffer(head), ec);
  FUZZ_CHECK(!ec);
  FUZZ_CHECK(p.is_header_done());
  FUZZ_CHECK(p.get().chunked());
  FUZZ_CHECK(p.get().find(bhttp::field::content_length) == p.get().end());
  FUZZ_CHECK(p.get().keep_alive() == keep_alive);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  const Outcome whole = parse(bytes, bytes.size() + 1);
  const Outcome pieces = parse(bytes, 1 + size % 13);
  FUZZ_CHECK(whole.request.has_value() == pieces.request.has_value());
  if (!whole.request) return 0;
  FUZZ_CHECK(same(*whole.request, *pieces.request));
  classify(*whole.request);
  chunked(*whole.request);
  return 0;
}
