#pragma once
// The resources a modern client's subscriptions/listen stream subscribes to
// (resourceSubscriptions): for each upstream that has some, an upstream session of the stream's
// own (a legacy upstream: initialize, resources/subscribe for each, its GET stream; a modern
// one: a subscriptions/listen stream naming them), whose notifications/resources/updated reach
// the stream under the URI the client named. It lives as long as the stream.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/catalog.h"
#include "gateway/http_client.h"
#include "gateway/upstream_session.h"

namespace mcpgw::gateway {
class Federation;
}

namespace mcpgw::mcp {

class RequestContext;

class ResourceWatch {
 public:
  struct Wanted {
    std::shared_ptr<const gateway::UpstreamBinding> binding;  // binding->original: the upstream URI
    std::string uri;                                          // as the client named it
  };
  // deliver gets each update's params (uri already the client's), to tag and send.
  using Deliver = std::function<void(boost::json::object params)>;

  ResourceWatch(gateway::Federation& federation, Deliver deliver);
  ~ResourceWatch();
  ResourceWatch(const ResourceWatch&) = delete;
  ResourceWatch& operator=(const ResourceWatch&) = delete;

  // Subscribes upstream; the URIs that were (the others' upstreams refused or failed, logged).
  boost::asio::awaitable<std::vector<std::string>> subscribe(const RequestContext& ctx,
                                                             std::vector<Wanted> wanted);
  // Follows the upstreams' updates in the background until stop().
  void start(const std::string& log_id);
  // Ends the following, waits for it, and closes the upstream sessions.
  boost::asio::awaitable<void> stop();

 private:
  struct Upstream {
    std::shared_ptr<gateway::UpstreamSession> session;
    std::vector<Wanted> wanted;                                                  // those subscribed
    std::shared_ptr<gateway::Abort> abort = std::make_shared<gateway::Abort>();  // its follower's
  };
  boost::asio::awaitable<void> follow(Upstream& u, std::string log_id);

  gateway::Federation& federation_;
  Deliver deliver_;
  std::vector<std::unique_ptr<Upstream>> upstreams_;
  std::mutex mutex_;  // guards following_ and all_done_ (followers run on the HTTP client's pool)
  std::size_t following_ = 0;
  std::function<void()> all_done_;
};

}  // namespace mcpgw::mcp
