#include "mcp/listen.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <vector>

#include "protocol/message.h"
#include "protocol/names.h"

namespace mcpgw::mcp {
namespace json = boost::json;

std::uint64_t ListenHub::add(Scope scope, Filter filter, json::value subscription_id, Send send,
                             std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  if (closed_ || listeners_.size() >= capacity_) return 0;
  const std::uint64_t id = next_++;
  listeners_.emplace(id, Listener{std::move(scope), filter, std::move(subscription_id),
                                  std::move(send), std::move(wake)});
  return id;
}

void ListenHub::remove(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  listeners_.erase(id);
}

std::string ListenHub::tagged(std::string_view method, const json::value& subscription_id) {
  json::object meta{{protocol::meta::kSubscriptionId, subscription_id}};
  return json::serialize(jsonrpc::notification(method, json::object{{"_meta", std::move(meta)}}));
}

void ListenHub::deliver(ListChanges& changes) {
  namespace n = protocol::notification;
  std::lock_guard lock(mutex_);
  std::size_t notified = 0;
  for (auto& entry : listeners_) {
    auto& l = entry.second;  // not a structured binding: the lambda below captures it (clang < 16)
    const ListChanges::Changed c = changes.changed(l.scope);
    bool any = false;
    const auto send = [&](bool wanted, std::string_view method) {
      if (!wanted) return;
      any = true;
      l.send(tagged(method, l.subscription_id));
    };
    send(c.tools && l.filter.tools, n::kToolsListChanged);
    send(c.resources && l.filter.resources, n::kResourcesListChanged);
    send(c.prompts && l.filter.prompts, n::kPromptsListChanged);
    notified += any ? 1 : 0;
  }
  if (notified)
    spdlog::debug("catalog v{}: list_changed to {} listen stream(s)", changes.version(), notified);
}

void ListenHub::close_all() {
  std::vector<std::function<void()>> wakes;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& [id, l] : listeners_)
      wakes.push_back(l.wake);
  }
  for (auto& w : wakes)
    w();
}

bool ListenHub::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::size_t ListenHub::size() const {
  std::lock_guard lock(mutex_);
  return listeners_.size();
}

}  // namespace mcpgw::mcp
