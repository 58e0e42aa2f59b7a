#include "mcp/session_state.h"

#include <boost/json.hpp>

namespace mcpgw::mcp {

std::string SessionState::key(const json::value& id) {
  return json::serialize(id);
}

void SessionState::set_client(json::object info, json::object capabilities) {
  std::lock_guard lock(mutex_);
  client_info_ = std::move(info);
  client_capabilities_ = std::move(capabilities);
}

json::object SessionState::client_capabilities() const {
  std::lock_guard lock(mutex_);
  return client_capabilities_;
}

json::object SessionState::client_info() const {
  std::lock_guard lock(mutex_);
  return client_info_;
}

bool SessionState::client_has_capability(std::string_view name) const {
  std::lock_guard lock(mutex_);
  return client_capabilities_.contains(name);
}

void SessionState::set_standalone(std::function<bool(std::string)> send,
                                  std::function<bool()> has_reader) {
  std::lock_guard lock(standalone_mutex_);
  send_standalone_ = std::move(send);
  standalone_has_reader_ = std::move(has_reader);
}

bool SessionState::send_standalone(std::string message) {
  std::lock_guard lock(standalone_mutex_);
  return send_standalone_ && send_standalone_(std::move(message));
}

bool SessionState::standalone_has_reader() {
  std::lock_guard lock(standalone_mutex_);
  return standalone_has_reader_ && standalone_has_reader_();
}

void SessionState::subscribe(const std::string& uri) {
  std::lock_guard lock(mutex_);
  subscriptions_.insert(uri);
}

void SessionState::unsubscribe(const std::string& uri) {
  std::lock_guard lock(mutex_);
  subscriptions_.erase(uri);
}

bool SessionState::subscribed(const std::string& uri) const {
  std::lock_guard lock(mutex_);
  return subscriptions_.count(uri) != 0;
}

std::vector<std::string> SessionState::subscriptions() const {
  std::lock_guard lock(mutex_);
  return {subscriptions_.begin(), subscriptions_.end()};
}

bool SessionState::has_subscriptions() const {
  std::lock_guard lock(mutex_);
  return !subscriptions_.empty();
}

void SessionState::set_subscription_recorder(SubscriptionRecorder recorder) {
  std::lock_guard lock(mutex_);
  recorder_ = std::move(recorder);
}

boost::asio::awaitable<void> SessionState::record_subscription(const std::string& uri, bool held) {
  SubscriptionRecorder recorder;
  {
    std::lock_guard lock(mutex_);
    recorder = recorder_;
  }
  if (recorder) co_await recorder(uri, held);
}

void SessionState::set_log_level(std::string level) {
  std::lock_guard lock(mutex_);
  log_level_ = std::move(level);
}

std::string SessionState::log_level() const {
  std::lock_guard lock(mutex_);
  return log_level_;
}

std::shared_ptr<std::atomic<bool>> SessionState::begin_request(const json::value& id) {
  auto flag = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(mutex_);
  in_flight_[key(id)] = {flag, nullptr};
  return flag;
}

void SessionState::end_request(const json::value& id) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(key(id));
}

bool SessionState::cancel_request(const json::value& id) {
  std::function<void()> hook;
  {
    std::lock_guard lock(mutex_);
    auto it = in_flight_.find(key(id));
    if (it == in_flight_.end()) return false;
    it->second.cancelled->store(true);
    hook = std::move(it->second.on_cancel);
  }
  if (hook) hook();
  return true;
}

bool SessionState::on_cancel(const json::value& id, std::function<void()> hook) {
  {
    std::lock_guard lock(mutex_);
    auto it = in_flight_.find(key(id));
    if (it == in_flight_.end()) return false;
    if (!it->second.cancelled->load()) {
      it->second.on_cancel = std::move(hook);
      return true;
    }
  }
  hook();
  return true;
}

json::value SessionState::next_request_id() {
  std::lock_guard lock(mutex_);
  return json::value(id_prefix_ + std::to_string(++next_id_));
}

void SessionState::set_request_id_prefix(std::string prefix) {
  std::lock_guard lock(mutex_);
  id_prefix_ = std::move(prefix);
}

void SessionState::await_reply(const json::value& id, ReplyHandler on_reply) {
  std::lock_guard lock(mutex_);
  waiting_[key(id)] = std::move(on_reply);
}

bool SessionState::deliver_reply(const jsonrpc::Message& response) {
  ReplyHandler handler;
  {
    std::lock_guard lock(mutex_);
    auto it = waiting_.find(key(response.id));
    if (it == waiting_.end()) return false;
    handler = std::move(it->second);
    waiting_.erase(it);
  }
  handler(response.error ? Outcome::fail(*response.error) : Outcome::ok(response.result));
  return true;
}

bool SessionState::forget_reply(const json::value& id) {
  std::lock_guard lock(mutex_);
  return waiting_.erase(key(id)) != 0;
}

void SessionState::fail_all_replies(const jsonrpc::Error& why) {
  std::unordered_map<std::string, ReplyHandler> waiting;
  {
    std::lock_guard lock(mutex_);
    waiting.swap(waiting_);
  }
  for (auto& [k, h] : waiting)
    h(Outcome::fail(why));
}

}  // namespace mcpgw::mcp
