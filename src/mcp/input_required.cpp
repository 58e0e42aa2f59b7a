#include "mcp/input_required.h"

#include <boost/asio/this_coro.hpp>
#include <boost/json.hpp>

#include "common/crypto.h"
#include "common/json_parse.h"
#include "common/wakeup.h"

namespace mcpgw::mcp {
namespace asio = boost::asio;

PendingCall::PendingCall(std::string id) : id_(std::move(id)) {
  cancellation_->on_cancel([this] {
    std::map<std::string, Ask> asks;
    {
      std::lock_guard lock(mutex_);
      asks.swap(asks_);
    }
    for (auto& [key, a] : asks)
      a.reply(Outcome::fail(jsonrpc::kInternalError, "cancelled"));
  });
}

asio::awaitable<Outcome> PendingCall::ask(std::string_view method, const json::value& params,
                                          std::chrono::milliseconds timeout) {
  if (cancellation_->cancelled()) co_return Outcome::fail(jsonrpc::kInternalError, "cancelled");
  auto ex = co_await asio::this_coro::executor;
  Wakeup answered(ex);
  // Written by whichever thread delivers the answer, before it wakes this coroutine.
  auto reply = std::make_shared<std::optional<Outcome>>();
  std::string key;
  std::function<void()> waiter;
  {
    std::lock_guard lock(mutex_);
    key = "input-" + std::to_string(next_key_++);
    asks_[key] = Ask{std::string(method), params, [reply, wake = answered.waker()](Outcome o) {
                       *reply = std::move(o);
                       wake();
                     }};
    waiter = std::move(waiter_);
  }
  if (waiter) waiter();
  const bool woken = co_await answered.wait(timeout);
  if (!woken) {
    bool dropped = false;
    {
      std::lock_guard lock(mutex_);
      dropped = asks_.erase(key) != 0;
    }
    if (dropped)
      co_return Outcome::fail(jsonrpc::Error{
          jsonrpc::kInternalError,
          "no answer from the client within " + std::to_string(timeout.count()) + " ms",
          {}});
  }
  // Answered, or the answer was being handed over as the time ran out: it is on its way.
  while (!reply->has_value()) {
    const bool again = co_await answered.wait(std::chrono::seconds(1));
    (void)again;
  }
  co_return std::move(**reply);
}

void PendingCall::finish(Outcome outcome) {
  std::function<void()> waiter;
  {
    std::lock_guard lock(mutex_);
    outcome_ = std::move(outcome);
    waiter = std::move(waiter_);
  }
  if (waiter) waiter();
}

bool PendingCall::send(json::object message) {
  return send_text(json::serialize(message));
}

bool PendingCall::send_text(std::string message) {
  std::lock_guard lock(mutex_);
  return out_ && out_->send_text(std::move(message));
}

asio::awaitable<PendingCall::Next> PendingCall::next(Outbound* out) {
  auto ex = co_await asio::this_coro::executor;
  for (;;) {
    Wakeup changed(ex);
    {
      std::lock_guard lock(mutex_);
      Next n;
      if (taken_) {
        // Another retry of the same state got the outcome first.
        n.outcome = Outcome::fail(jsonrpc::kInvalidParams,
                                  "Invalid params: the call that requestState continues is over");
      } else if (outcome_) {
        n.outcome = std::move(outcome_);
        outcome_.reset();
        taken_ = true;
      } else {
        for (const auto& [key, a] : asks_)
          n.input_requests[key] = json::object{{"method", a.method}, {"params", a.params}};
      }
      if (n.outcome || !n.input_requests.empty()) {
        out_ = nullptr;
        waiter_ = nullptr;
        co_return n;
      }
      out_ = out;
      waiter_ = changed.waker();
    }
    // Bounded only by the call (its own timeouts end it) or by the client's cancel (which
    // cancels the call, which then finishes).
    const bool woken = co_await changed.wait(std::chrono::minutes(1));
    (void)woken;
  }
}

void PendingCall::answer(const json::object& responses) {
  std::vector<std::pair<std::function<void(Outcome)>, json::value>> due;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, value] : responses) {
      auto it = asks_.find(std::string(key));
      if (it == asks_.end()) continue;  // not asked, or answered already: ignored
      due.emplace_back(std::move(it->second.reply), value);
      asks_.erase(it);
    }
  }
  for (auto& [reply, value] : due)
    reply(Outcome::ok(std::move(value)));
}

PendingCalls::PendingCalls(std::chrono::milliseconds ttl)
    : ttl_(ttl), key_(crypto::random_bytes(32)) {}

std::shared_ptr<PendingCall> PendingCalls::start() {
  auto call = std::make_shared<PendingCall>(crypto::random_hex(16));
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  expire(now);
  calls_[call->id()] = Entry{call, now};
  return call;
}

void PendingCalls::expire(std::chrono::steady_clock::time_point now) {
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (now - it->second.touched > ttl_) {
      it->second.call->cancellation().cancel();
      it = calls_.erase(it);
    } else {
      ++it;
    }
  }
}

void PendingCalls::drop(const std::string& id) {
  std::lock_guard lock(mutex_);
  calls_.erase(id);
}

std::size_t PendingCalls::size() const {
  std::lock_guard lock(mutex_);
  return calls_.size();
}

std::string PendingCalls::seal(const State& s) const {
  const json::object o{{"c", s.call_id}, {"p", s.subject}, {"s", s.server},
                       {"m", s.method},  {"i", s.item},    {"e", s.expires_ms}};
  return crypto::base64(crypto::seal(key_, json::serialize(o)));
}

PendingCalls::Found PendingCalls::find(std::string_view request_state, const State& expected,
                                       std::int64_t now_ms) {
  const auto bytes = crypto::unbase64(request_state);
  const auto plain = bytes ? crypto::open(key_, *bytes) : std::nullopt;
  boost::system::error_code ec;
  const json::value v = plain ? parse_json(*plain, ec) : json::value();
  if (!plain || ec || !v.is_object()) return {nullptr, "requestState is not one mcpgw issued"};
  const auto& o = v.get_object();
  const auto str = [&o](const char* k) {
    const auto* x = o.if_contains(k);
    return x && x->is_string() ? std::string(x->get_string()) : std::string();
  };
  const auto* e = o.if_contains("e");
  if (str("p") != expected.subject || str("s") != expected.server)
    return {nullptr, "requestState was issued to another principal or endpoint"};
  if (str("m") != expected.method || str("i") != expected.item)
    return {nullptr, "requestState belongs to another request"};
  if (!e || !e->is_int64() || e->get_int64() < now_ms) return {nullptr, "requestState has expired"};
  std::lock_guard lock(mutex_);
  auto it = calls_.find(str("c"));
  if (it == calls_.end()) return {nullptr, "the call that requestState continues is over"};
  it->second.touched = std::chrono::steady_clock::now();
  return {it->second.call, {}};
}

}  // namespace mcpgw::mcp
