#include "mcp/context.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mcpgw::mcp {
namespace asio = boost::asio;

bool RequestContext::notify(std::string_view method, json::value params) {
  return i_.outbound && i_.outbound->send(jsonrpc::notification(method, std::move(params)));
}

bool RequestContext::forward(std::string message_text) {
  return i_.outbound && i_.outbound->send_text(std::move(message_text));
}

bool RequestContext::on_cancel(std::function<void()> hook) {
  return i_.session && !i_.request_id.is_null() &&
         i_.session->on_cancel(i_.request_id, std::move(hook));
}

asio::awaitable<Reply> RequestContext::request(std::string_view method, json::value params,
                                               std::chrono::milliseconds timeout) {
  if (!i_.session)
    co_return Reply{std::nullopt,
                    jsonrpc::Error{jsonrpc::kInternalError,
                                   "server-to-client requests need a session (stateless mode)",
                                   {}}};
  struct Wait {
    explicit Wait(asio::any_io_executor ex) : timer(ex) {}
    asio::steady_timer timer;
    std::optional<Reply> reply;
  };
  auto ex = co_await asio::this_coro::executor;
  auto wait = std::make_shared<Wait>(ex);
  const json::value id = i_.session->next_request_id();
  i_.session->await_reply(id, [wait, ex](Reply r) {
    asio::post(ex, [wait, r = std::move(r)]() mutable {
      wait->reply = std::move(r);
      wait->timer.cancel();
    });
  });
  if (!i_.outbound || !i_.outbound->send(jsonrpc::request(id, method, std::move(params)))) {
    i_.session->forget_reply(id);
    co_return Reply{std::nullopt, jsonrpc::Error{jsonrpc::kInternalError,
                                                 "no stream to send a server-to-client request on",
                                                 {}}};
  }
  wait->timer.expires_after(timeout);
  co_await wait->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  // Timed out, unless the reply arrived and its hand-off is already queued: then wait for it.
  while (!wait->reply) {
    if (i_.session->forget_reply(id))
      co_return Reply{std::nullopt, jsonrpc::Error{jsonrpc::kInternalError,
                                                   "no answer from the client within " +
                                                       std::to_string(timeout.count()) + " ms",
                                                   {}}};
    wait->timer.expires_after(std::chrono::seconds(1));
    co_await wait->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  co_return std::move(*wait->reply);
}

}  // namespace mcpgw::mcp
