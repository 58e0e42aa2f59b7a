#include "transport/session_manager.h"

#include <malloc.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <map>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/json_parse.h"

namespace mcpgw::transport {
namespace json = boost::json;
namespace asio = boost::asio;

struct SessionManager::Reaper {
  explicit Reaper(asio::any_io_executor ex) : timer(ex) {}
  asio::steady_timer timer;
  std::atomic<bool> stopped{false};
};

SessionManager::SessionManager(const config::TransportConfig& cfg, EventStore& store,
                               SessionRegistry* registry, Peers* peers)
    : cfg_(cfg),
      store_(store),
      registry_(registry),
      peers_(peers),
      // Often enough that the database's retention (by the same TTL) never ends a session in
      // use: a quarter of the TTL, at most a minute.
      touch_interval_(std::clamp<std::chrono::milliseconds>(
          cfg.session_idle_ttl / 4, std::chrono::milliseconds(100), std::chrono::minutes(1))) {}

SessionManager::~SessionManager() {
  stop_reaper();
}

std::shared_ptr<Session> SessionManager::make(const std::string& subject, mcp::Scope scope,
                                              std::shared_ptr<mcp::SessionState> state) {
  if (peers_) state->set_request_id_prefix(request_id_prefix(peers_->node_id()));
  // 128 bits from the CSPRNG, hex: visible ASCII only, as the specification asks.
  auto s = std::make_shared<Session>(crypto::random_hex(16), subject, std::move(scope),
                                     std::move(state), store_);
  if (on_session_) on_session_(*s);
  return s;
}

std::shared_ptr<Session> SessionManager::make(const std::string& subject, mcp::Scope scope,
                                              const std::string& protocol_version) {
  return make(subject, std::move(scope), std::make_shared<mcp::SessionState>(protocol_version));
}

bool SessionManager::full() const {
  std::shared_lock lock(mutex_);
  return sessions_.size() >= cfg_.max_sessions;
}

SessionRecord SessionManager::record_of(Session& s) const {
  SessionRecord r;
  r.id = s.id();
  r.subject = s.subject();
  r.server_id = s.scope().server;
  r.token_servers = s.scope().token_servers;
  r.protocol_version = s.state().protocol_version();
  r.client_info = json::serialize(s.state().client_info());
  r.capabilities = json::serialize(s.state().client_capabilities());
  r.created_at = r.last_used_at = unix_ms();
  return r;
}

bool SessionManager::add(const std::shared_ptr<Session>& session) {
  {
    std::unique_lock lock(mutex_);
    if (sessions_.size() >= cfg_.max_sessions) return false;
    sessions_.emplace(session->id(), session);
  }
  if (registry_) registry_->save(record_of(*session));
  return true;
}

std::shared_ptr<Session> SessionManager::find(const std::string& id) const {
  std::shared_lock lock(mutex_);
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second;
}

std::shared_ptr<Session> SessionManager::restore(const std::string& id) {
  if (!registry_) return nullptr;
  if (auto s = find(id)) return s;
  std::uint64_t max_stream = 0;
  auto rec = registry_->restore(id, max_stream);
  if (!rec) return nullptr;
  auto s = std::make_shared<Session>(
      rec->id, rec->subject, mcp::Scope{rec->server_id, rec->token_servers, {rec->subject, {}, {}}},
      std::make_shared<mcp::SessionState>(rec->protocol_version), store_);
  boost::system::error_code ec;
  auto info = parse_json(rec->client_info, ec);
  auto caps = parse_json(rec->capabilities, ec);
  s->state().set_client(info.is_object() ? info.get_object() : json::object{},
                        caps.is_object() ? caps.get_object() : json::object{});
  s->state().mark_initialized();
  if (peers_) s->state().set_request_id_prefix(request_id_prefix(peers_->node_id()));
  s->number_streams_apart();
  if (on_session_) on_session_(*s);
  std::unique_lock lock(mutex_);
  auto [it, inserted] = sessions_.emplace(id, s);  // another request may have restored it first
  if (inserted) spdlog::info("session {}… restored from the database", id.substr(0, 8));
  return it->second;
}

bool SessionManager::remove(const std::string& id) {
  std::shared_ptr<Session> s;
  {
    std::unique_lock lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return false;
    s = std::move(it->second);
    sessions_.erase(it);
  }
  s->close();
  store_.erase_session(id);
  if (registry_) registry_->remove(id);
  std::lock_guard lock(persisted_mutex_);
  persisted_touch_.erase(id);
  return true;
}

void SessionManager::forget(const std::string& id) {
  std::shared_ptr<Session> s;
  {
    std::unique_lock lock(mutex_);
    auto it = sessions_.find(id);
    if (it == sessions_.end()) return;
    s = std::move(it->second);
    sessions_.erase(it);
  }
  s->close();
  store_.forget_session(id);
  std::lock_guard lock(persisted_mutex_);
  persisted_touch_.erase(id);
}

void SessionManager::deliver_from_peer(const std::string& session_id, const std::string& message) {
  auto s = find(session_id);
  const jsonrpc::Parsed parsed = jsonrpc::parse(message);
  const jsonrpc::Message* m = parsed.messages.size() == 1 ? &parsed.messages[0] : nullptr;
  if (m && m->kind == jsonrpc::Message::Kind::notification && on_peer_notice_) {
    on_peer_notice_(session_id, *m);
    return;
  }
  if (!s || !m || m->kind != jsonrpc::Message::Kind::response || !s->state().deliver_reply(*m))
    spdlog::debug("session {}…: a message from another node found nothing waiting for it",
                  session_id.substr(0, 8));
}

void SessionManager::touch(Session& s) {
  s.touch();
  if (!registry_) return;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(persisted_mutex_);
    auto& last = persisted_touch_[s.id()];
    if (now - last < touch_interval_) return;
    last = now;
  }
  registry_->touch(s.id(), unix_ms());
}

std::size_t SessionManager::reap(std::chrono::steady_clock::time_point now) {
  std::vector<std::string> idle;
  {
    std::shared_lock lock(mutex_);
    for (const auto& [id, s] : sessions_)
      // With other nodes, one holding resource subscriptions stays while the database keeps
      // them for this node: the subscription keeper releases them once the session is gone.
      if (now - s->last_used() > cfg_.session_idle_ttl && !s->has_reader() &&
          !(peers_ && s->state().has_subscriptions()))
        idle.push_back(id);
  }
  std::size_t n = 0;
  // With other nodes, an idle session here may be busy there: it leaves this node's memory,
  // and the database's retention ends it once no node used it for the TTL.
  for (const auto& id : idle) {
    if (peers_) {
      forget(id);
      ++n;
    } else {
      n += remove(id) ? 1 : 0;
    }
  }
  if (n) {
    spdlog::info("closed {} idle session(s)", n);
#ifdef __GLIBC__
    // glibc keeps what the closed sessions' streams and events freed in its arenas, so after a
    // burst of sessions RSS would stay at its peak for good (measured: 19 MiB idle, 77 MiB after
    // 10,000 connections and their sessions were gone; with this, back within 16 MiB). Only after
    // sessions were closed, at most once per reap.
    ::malloc_trim(0);
#endif
  }
  return n;
}

std::vector<std::shared_ptr<Session>> SessionManager::with_subscriptions() const {
  std::vector<std::shared_ptr<Session>> out;
  std::shared_lock lock(mutex_);
  for (const auto& [id, s] : sessions_)
    if (s->state().has_subscriptions()) out.push_back(s);
  return out;
}

std::size_t SessionManager::size() const {
  std::shared_lock lock(mutex_);
  return sessions_.size();
}

void SessionManager::start_reaper(asio::any_io_executor ex) {
  reaper_ = std::make_shared<Reaper>(ex);
  const auto interval = std::clamp<std::chrono::milliseconds>(
      cfg_.session_idle_ttl / 4, std::chrono::milliseconds(250), std::chrono::minutes(1));
  asio::co_spawn(
      ex,
      [this, r = reaper_, interval]() -> asio::awaitable<void> {
        while (!r->stopped) {
          r->timer.expires_after(interval);
          auto [ec] = co_await r->timer.async_wait(asio::as_tuple(asio::use_awaitable));
          if (ec || r->stopped) co_return;
          reap(std::chrono::steady_clock::now());
        }
      },
      asio::detached);
}

void SessionManager::stop_reaper() {
  if (!reaper_) return;
  reaper_->stopped = true;
  auto r = reaper_;
  asio::post(r->timer.get_executor(), [r] { r->timer.cancel(); });
}

// Sessions that are not initialized yet get nothing: they have not asked for the lists.
void SessionManager::deliver(mcp::ListChanges& changes) {
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::shared_lock lock(mutex_);
    sessions.reserve(sessions_.size());
    for (const auto& [id, s] : sessions_)
      sessions.push_back(s);
  }
  std::size_t notified = 0;
  // With other nodes, each notification goes under the change's number (see below).
  const std::string dedupe_prefix =
      peers_ ? "catalog:" + std::to_string(changes.epoch()) + ":" : std::string();
  for (const auto& s : sessions) {
    if (s->closed() || !s->state().initialized()) continue;
    const auto& messages = changes.for_scope(s->scope());
    if (messages.empty()) continue;
    auto stream = s->standalone();
    // Every node that holds the session learns of the change and appends it to the shared GET
    // stream under the change's number and the notification itself (nodes that saw the change
    // from different snapshots may name other lists): the stream keeps each once.
    for (const auto& m : messages)
      stream->append(m, peers_ ? dedupe_prefix + m : std::string());
    ++notified;
  }
  if (notified)
    spdlog::debug("catalog v{}: list_changed to {} session(s)", changes.version(), notified);
}

}  // namespace mcpgw::transport
