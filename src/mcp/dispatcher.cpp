#include "mcp/dispatcher.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace mcpgw::mcp {

void Dispatcher::on_request(std::string_view method, HandlerEntry entry) {
  requests_[std::string(method)] = std::move(entry);
}

void Dispatcher::on_notification(std::string_view method, NotificationHandler handler) {
  notifications_[std::string(method)] = std::move(handler);
}

const HandlerEntry* Dispatcher::find(std::string_view method) const {
  auto it = requests_.find(std::string(method));
  return it == requests_.end() ? nullptr : &it->second;
}

namespace {
Answer error_answer(const json::value& id, const jsonrpc::Error& e) {
  return {json::serialize(jsonrpc::error_response(id, e)), true};
}
}  // namespace

boost::asio::awaitable<Answer> Dispatcher::handle(RequestContext& ctx,
                                                  const jsonrpc::Message& request) const {
  const HandlerEntry* entry = find(request.method);
  if (!entry)
    co_return error_answer(request.id,
                           {jsonrpc::kMethodNotFound, "Method not found: " + request.method, {}});
  static const json::object kNoParams;
  if (!request.params.is_null() && !request.params.is_object())
    co_return error_answer(request.id,
                           {jsonrpc::kInvalidParams, "Invalid params: expected an object", {}});
  const json::object& params = request.params.is_object() ? request.params.get_object() : kNoParams;
  std::optional<jsonrpc::Error> failure;
  try {
    Outcome out = co_await entry->handler(ctx, params);
    if (!out.error) {
      if (!out.raw.empty()) co_return Answer{jsonrpc::response_text(request.id, out.raw), false};
      co_return Answer{json::serialize(jsonrpc::response(request.id, std::move(out.result))),
                       false};
    }
    failure = std::move(out.error);
  } catch (const std::exception& e) {
    spdlog::error("request {}: {} failed: {}", ctx.log_id(), request.method, e.what());
    failure = jsonrpc::Error{jsonrpc::kInternalError,
                             "Internal error (see the server log for request " + ctx.log_id() + ")",
                             {}};
  }
  co_return error_answer(request.id, *failure);
}

void Dispatcher::notify(RequestContext& ctx, const jsonrpc::Message& notification) const {
  auto it = notifications_.find(notification.method);
  if (it == notifications_.end()) return;
  static const json::object kNoParams;
  const json::object& params =
      notification.params.is_object() ? notification.params.get_object() : kNoParams;
  try {
    it->second(ctx, params);
  } catch (const std::exception& e) {
    spdlog::error("request {}: notification {} failed: {}", ctx.log_id(), notification.method,
                  e.what());
  }
}

}  // namespace mcpgw::mcp
