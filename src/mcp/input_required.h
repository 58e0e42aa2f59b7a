#pragma once
// Multi round-trip requests (2026-07-28 MRTR) for modern clients of legacy upstreams: a modern
// client cannot be sent a server-to-client request, so when an upstream asks for elicitation,
// sampling or roots during a modern client's tools/call, prompts/get or resources/read, mcpgw
// answers that request with an input_required result (inputRequests, and a sealed requestState),
// and the call goes on running upstream, waiting; the client's retry (a new request, with
// inputResponses and the state) answers the upstream's request and waits for what comes next: the
// result, or more input requests. A PendingCall is one such call; PendingCalls the calls of this
// process, found again by the requestState, which is sealed (AES-256-GCM under a key of this
// process) and bound to the principal, the endpoint, the method and item, and an expiry.
#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mcp/cancellation.h"
#include "mcp/context.h"

namespace mcpgw::mcp {

class PendingCall final : public InputChannel, public Outbound {
 public:
  // Cancelled, the call's open input requests are answered with an error at once.
  explicit PendingCall(std::string id);
  const std::string& id() const { return id_; }
  Cancellation& cancellation() { return *cancellation_; }
  std::shared_ptr<Cancellation> cancellation_ptr() { return cancellation_; }

  // The call's side. An input request, answered by a client's retry (or an error at timeout).
  boost::asio::awaitable<Outcome> ask(std::string_view method, const json::value& params,
                                      std::chrono::milliseconds timeout) override;
  // The call's outcome: the last round returns it.
  void finish(Outcome outcome);
  // Messages of the call (progress, log messages) go to the stream of the client request that
  // waits on it now, if any.
  bool send(json::object message) override;
  bool send_text(std::string message) override;

  // The client's side: what the call comes to next, as soon as it is there: its outcome, or the
  // input requests it waits on (every one not answered yet). `out` gets the call's messages
  // meanwhile.
  struct Next {
    std::optional<Outcome> outcome;
    json::object input_requests;  // key -> {method, params}
  };
  boost::asio::awaitable<Next> next(Outbound* out);
  // The answers of a retry: each to the input request of its key (others are ignored).
  void answer(const json::object& input_responses);

 private:
  struct Ask {
    std::string method;
    json::value params;
    std::function<void(Outcome)> reply;
  };
  const std::string id_;
  const std::shared_ptr<Cancellation> cancellation_ = std::make_shared<Cancellation>();
  std::mutex mutex_;
  std::map<std::string, Ask> asks_;
  std::uint64_t next_key_ = 1;
  std::optional<Outcome> outcome_;
  bool taken_ = false;            // a client request returned the outcome
  std::function<void()> waiter_;  // the client request waiting in next()
  Outbound* out_ = nullptr;
};

// The pending calls of this process, and their sealed request states.
class PendingCalls {
 public:
  explicit PendingCalls(std::chrono::milliseconds ttl = std::chrono::minutes(10));

  // What a requestState stands for.
  struct State {
    std::string call_id, subject, server, method, item;
    std::int64_t expires_ms = 0;  // unix time
  };
  std::shared_ptr<PendingCall> start();
  // The state that names call `id` for this request, sealed, good for ttl from now.
  std::string seal(const State& s) const;
  // The call a retry continues, or why it cannot be continued.
  struct Found {
    std::shared_ptr<PendingCall> call;
    std::string refusal;  // when no call
  };
  // expected: what the retry is (its call_id and expires_ms unused); now_ms: unix time.
  Found find(std::string_view request_state, const State& expected, std::int64_t now_ms);
  // The call is over for its client (its last round returned, or nobody came back for it).
  void drop(const std::string& id);
  std::chrono::milliseconds ttl() const { return ttl_; }
  std::size_t size() const;

 private:
  void expire(std::chrono::steady_clock::time_point now);  // under mutex_

  const std::chrono::milliseconds ttl_;
  const std::string key_;  // random, of this process: a state from elsewhere does not open
  mutable std::mutex mutex_;
  struct Entry {
    std::shared_ptr<PendingCall> call;
    std::chrono::steady_clock::time_point touched;  // started, or last continued
  };
  std::map<std::string, Entry> calls_;
};

}  // namespace mcpgw::mcp
