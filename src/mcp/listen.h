#pragma once
// subscriptions/listen (2026-07-28): the long-lived streams on which modern clients get change
// notifications. Each was opened by one request, gets only the types it asked for (and mcpgw
// granted), and every notification on it carries that request's id in
// _meta["io.modelcontextprotocol/subscriptionId"]. Catalog changes reach every open stream of an
// affected scope at once, as they reach legacy sessions' GET streams.
#include <boost/json/value.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "mcp/list_changed.h"
#include "mcp/scope.h"

namespace mcpgw::mcp {

class ListenHub {
 public:
  struct Filter {
    bool tools = false, prompts = false, resources = false;
    bool any() const { return tools || prompts || resources; }
  };
  // Puts one serialized message on the listener's stream (thread-safe); false when it cannot.
  using Send = std::function<bool(std::string)>;

  explicit ListenHub(std::size_t capacity) : capacity_(capacity) {}

  // A new listener; 0 when there are `capacity` already or the hub is closed. wake is called
  // (from any thread) when the hub closes.
  std::uint64_t add(Scope scope, Filter filter, boost::json::value subscription_id, Send send,
                    std::function<void()> wake);
  // After this returns, the listener gets nothing more.
  void remove(std::uint64_t id);
  // The notifications each listener's view calls for, among those it was granted.
  void deliver(ListChanges& changes);
  // Shutdown: every listener is woken and ends; no new one is added.
  void close_all();
  bool closed() const;
  std::size_t size() const;

  // The notification `method` for subscription `id`, serialized.
  static std::string tagged(std::string_view method, const boost::json::value& subscription_id);

 private:
  struct Listener {
    Scope scope;
    Filter filter;
    boost::json::value subscription_id;
    Send send;
    std::function<void()> wake;
  };
  const std::size_t capacity_;
  mutable std::mutex mutex_;  // held while sending: remove() is then a barrier
  std::map<std::uint64_t, Listener> listeners_;
  std::uint64_t next_ = 1;
  bool closed_ = false;
};

}  // namespace mcpgw::mcp
