#include "mcp/context.h"

#include <boost/asio/this_coro.hpp>

#include "common/wakeup.h"
#include "protocol/log_levels.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
namespace asio = boost::asio;

namespace {
// The client capability a server-to-client request needs; empty for none (ping).
std::string_view needed_capability(std::string_view method) {
  if (method == protocol::method::kSamplingCreateMessage) return "sampling";
  if (method == protocol::method::kElicitationCreate) return "elicitation";
  if (method == protocol::method::kRootsList) return "roots";
  return {};
}
}  // namespace

bool RequestContext::notify(std::string_view method, json::value params) {
  return i_.outbound && i_.outbound->send(jsonrpc::notification(method, std::move(params)));
}

bool RequestContext::forward(std::string message_text) {
  return i_.outbound && i_.outbound->send_text(std::move(message_text));
}

bool RequestContext::on_cancel(std::function<void()> hook) {
  if (i_.cancellation) {
    i_.cancellation->on_cancel(std::move(hook));
    return true;
  }
  return i_.session && !i_.request_id.is_null() &&
         i_.session->on_cancel(i_.request_id, std::move(hook));
}

bool RequestContext::client_declared(std::string_view capability) const {
  if (i_.envelope) return i_.envelope->has_capability(capability);
  return i_.session && i_.session->client_has_capability(capability);
}

bool RequestContext::wants_log(std::string_view level) const {
  if (!i_.envelope) return true;
  if (!i_.envelope->log_level) return false;
  return protocol::log_level_rank(level) >= protocol::log_level_rank(*i_.envelope->log_level);
}

asio::awaitable<Outcome> RequestContext::request(std::string_view method, json::value params,
                                                 std::chrono::milliseconds timeout) {
  // A request the client declared no capability for is not sent: it could never be answered.
  if (auto needed = needed_capability(method);
      !needed.empty() && (i_.envelope || i_.session) && !client_declared(needed))
    co_return Outcome::fail(jsonrpc::Error{
        jsonrpc::kMethodNotFound, "the client does not support " + std::string(needed), {}});
  if (i_.envelope) {
    if (!i_.input)
      co_return Outcome::fail(
          jsonrpc::Error{jsonrpc::kInternalError,
                         "server-to-client requests are not part of protocol version " +
                             i_.envelope->protocol_version,
                         {}});
    co_return co_await i_.input->ask(method, params, timeout);
  }
  if (!i_.session)
    co_return Outcome::fail(jsonrpc::Error{
        jsonrpc::kInternalError, "server-to-client requests need a session (stateless mode)", {}});
  auto ex = co_await asio::this_coro::executor;
  Wakeup answered(ex);
  // Written by whichever thread delivers the reply, before it wakes this coroutine.
  auto reply = std::make_shared<std::optional<Outcome>>();
  const json::value id = i_.session->next_request_id();
  i_.session->await_reply(id, [reply, wake = answered.waker()](Outcome r) {
    *reply = std::move(r);
    wake();
  });
  if (!i_.outbound || !i_.outbound->send(jsonrpc::request(id, method, std::move(params)))) {
    i_.session->forget_reply(id);
    co_return Outcome::fail(jsonrpc::Error{
        jsonrpc::kInternalError, "no stream to send a server-to-client request on", {}});
  }
  // Named first: a co_await inside a larger condition is a GCC 12 trap (common/offload.h).
  const bool woken = co_await answered.wait(timeout);
  if (!woken && i_.session->forget_reply(id))
    co_return Outcome::fail(jsonrpc::Error{
        jsonrpc::kInternalError,
        "no answer from the client within " + std::to_string(timeout.count()) + " ms",
        {}});
  // Answered, or the answer was being handed over as the time ran out: it is on its way.
  while (!co_await answered.wait(std::chrono::seconds(1))) {
  }
  co_return std::move(**reply);
}

}  // namespace mcpgw::mcp
