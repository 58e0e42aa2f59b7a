#pragma once
// Method name → handler entry. Handlers are registered, never switched on.
#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/metrics.h"
#include "mcp/context.h"
#include "mcp/outcome.h"
#include "protocol/message.h"

namespace mcpgw::mcp {

// A response message, serialized, ready for the wire.
struct Answer {
  std::string text;
  bool is_error = false;
};

using RequestHandler =
    std::function<boost::asio::awaitable<Outcome>(RequestContext&, const json::object& params)>;
using NotificationHandler = std::function<void(RequestContext&, const json::object& params)>;

// A handler of typed params P (mcp/methods/params.h): P::parse runs first.
template <typename P>
using TypedHandler = std::function<boost::asio::awaitable<Outcome>(RequestContext&, const P&)>;

// The protocol eras a method exists in (initialize is legacy only, server/discover modern only).
enum Eras : unsigned { kLegacy = 1, kModern = 2, kBothEras = kLegacy | kModern };

// A method's series in the metrics registry (null when metrics are off).
struct MethodMetrics {
  metrics::Counter* ok = nullptr;
  metrics::Counter* error = nullptr;
  metrics::Histogram* duration = nullptr;
  static MethodMetrics make(std::string_view method);
  void record(bool failed, std::chrono::steady_clock::duration took) const;
};

struct HandlerEntry {
  RequestHandler handler;
  // True when the handler may send messages related to the request (progress, logging,
  // server-to-client requests) before its result; such requests are answered on an SSE stream
  // when the client accepts one.
  bool streams = false;
  unsigned eras = kBothEras;
  MethodMetrics metrics{};  // set by Dispatcher::on_request
  bool in(Eras era) const { return (eras & era) != 0; }

  // Parse-then-handle: params that P::parse refuses are answered -32602 with its reason, here,
  // and the handler never sees them.
  template <typename P>
  static HandlerEntry parsed(TypedHandler<P> handler, bool streams, unsigned eras = kBothEras) {
    return {[handler](RequestContext& ctx, const json::object& raw) {
              return parse_then_handle<P>(handler, ctx, raw);
            },
            streams, eras};
  }

 private:
  template <typename P>
  static boost::asio::awaitable<Outcome> parse_then_handle(const TypedHandler<P>& handler,
                                                           RequestContext& ctx,
                                                           const json::object& raw) {
    P params;
    if (std::optional<std::string> why = P::parse(raw, params))
      co_return Outcome::fail(jsonrpc::kInvalidParams, "Invalid params: " + *why);
    co_return co_await handler(ctx, params);
  }
};

class Dispatcher {
 public:
  void on_request(std::string_view method, HandlerEntry entry);
  void on_notification(std::string_view method, NotificationHandler handler);

  // The method's entry in that era (the request context's); null when it has none there.
  const HandlerEntry* find(std::string_view method, Eras era = kLegacy) const;

  // The outcome of a request: the handler's result or error, -32601 for a method unknown in the
  // request's era, -32602 when params is not an object, -32603 (logged) when the handler throws.
  boost::asio::awaitable<Outcome> run(RequestContext& ctx, const jsonrpc::Message& request) const;
  // The response to request `id` with that outcome.
  static Answer answer(const json::value& id, Outcome outcome);
  // The two together.
  boost::asio::awaitable<Answer> handle(RequestContext& ctx, const jsonrpc::Message& request) const;
  // Unknown notifications are ignored, as JSON-RPC asks.
  void notify(RequestContext& ctx, const jsonrpc::Message& notification) const;

 private:
  std::unordered_map<std::string, HandlerEntry> requests_;
  std::unordered_map<std::string, NotificationHandler> notifications_;
  MethodMetrics unknown_ = MethodMetrics::make("(unknown)");
  boost::asio::awaitable<Outcome> run_entry(RequestContext& ctx, const HandlerEntry& entry,
                                            const jsonrpc::Message& request) const;
};

}  // namespace mcpgw::mcp
