#include "transport/sqlite_event_store.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/json.hpp>

#include "common/clock.h"

namespace mcpgw::transport {
namespace json = boost::json;

namespace {
constexpr std::size_t kMaxQueuedWrites = 100'000;
// Trimming a stream to its bound costs a DELETE; do it every few appends, not every one.
constexpr std::uint64_t kTrimEvery = 16;

std::string to_json_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v)
    a.emplace_back(s);
  return json::serialize(a);
}
}  // namespace

SqliteEventStore::SqliteEventStore(store::DatabaseOptions db, std::size_t max_per_stream,
                                   std::chrono::milliseconds max_age)
    : db_(std::move(db)),
      max_per_stream_(max_per_stream),
      max_age_(max_age),
      memory_(max_per_stream),
      writer_(
          db_, kMaxQueuedWrites,
          [age = max_age](store::ConnectionPool::Lease& d) {
            const auto cutoff = static_cast<int64_t>(unix_ms() - age.count());
            auto& e = d.prepare("DELETE FROM events WHERE created_at < ?");
            e.bind(1, cutoff);
            e.exec();
            auto& s = d.prepare("DELETE FROM sessions WHERE last_used_at < ?");
            s.bind(1, cutoff);
            s.exec();
          },
          std::chrono::minutes(1)) {}

void SqliteEventStore::append(const std::string& session_id, const std::string& stream_key,
                              std::uint64_t seq, std::string data) {
  writer_.enqueue(
      [session_id, stream_key, seq, data, max = max_per_stream_](store::ConnectionPool::Lease& d) {
        auto& q = d.prepare(
            "INSERT OR REPLACE INTO events(stream_id, seq, session_id, payload, created_at) "
            "VALUES(?,?,?,?,?)");
        q.bind(1, stream_key);
        q.bind(2, static_cast<int64_t>(seq));
        q.bind(3, session_id);
        q.bind(4, data);
        q.bind(5, static_cast<int64_t>(unix_ms()));
        q.exec();
        if (seq > max && seq % kTrimEvery == 0) {
          auto& t = d.prepare("DELETE FROM events WHERE stream_id = ? AND seq <= ?");
          t.bind(1, stream_key);
          t.bind(2, static_cast<int64_t>(seq - max));
          t.exec();
        }
      });
  memory_.append(session_id, stream_key, seq, std::move(data));
}

std::vector<StoredEvent> SqliteEventStore::read_after(const std::string& stream_key,
                                                      std::uint64_t after, std::size_t max) const {
  return memory_.read_after(stream_key, after, max);
}

std::uint64_t SqliteEventStore::last_seq(const std::string& stream_key) const {
  return memory_.last_seq(stream_key);
}

void SqliteEventStore::erase_session(const std::string& session_id) {
  memory_.erase_session(session_id);
  writer_.enqueue([session_id](store::ConnectionPool::Lease& d) {
    auto& q = d.prepare("DELETE FROM events WHERE session_id = ?");
    q.bind(1, session_id);
    q.exec();
  });
}

void SqliteEventStore::erase_stream(const std::string& session_id, const std::string& stream_key) {
  memory_.erase_stream(session_id, stream_key);
  writer_.enqueue([stream_key](store::ConnectionPool::Lease& d) {
    auto& q = d.prepare("DELETE FROM events WHERE stream_id = ?");
    q.bind(1, stream_key);
    q.exec();
  });
}

void SqliteEventStore::save(const SessionRecord& r) {
  writer_.enqueue([r](store::ConnectionPool::Lease& d) {
    auto& q = d.prepare(
        "INSERT OR REPLACE INTO sessions(id, subject, server_id, token_servers, protocol_version, "
        "client_info, capabilities, created_at, last_used_at) VALUES(?,?,?,?,?,?,?,?,?)");
    q.bind(1, r.id);
    q.bind(2, r.subject);
    if (r.server_id) q.bind(3, *r.server_id);
    q.bind(4, to_json_array(r.token_servers));
    q.bind(5, r.protocol_version);
    q.bind(6, r.client_info);
    q.bind(7, r.capabilities);
    q.bind(8, static_cast<int64_t>(r.created_at));
    q.bind(9, static_cast<int64_t>(r.last_used_at));
    q.exec();
  });
}

void SqliteEventStore::touch(const std::string& id, std::int64_t last_used_at) {
  writer_.enqueue([id, last_used_at](store::ConnectionPool::Lease& d) {
    auto& q = d.prepare("UPDATE sessions SET last_used_at = ? WHERE id = ?");
    q.bind(1, static_cast<int64_t>(last_used_at));
    q.bind(2, id);
    q.exec();
  });
}

void SqliteEventStore::remove(const std::string& id) {
  {
    std::lock_guard lock(removing_mutex_);
    removing_.insert(id);
  }
  writer_.enqueue(
      [id](store::ConnectionPool::Lease& d) {
        auto& q = d.prepare("DELETE FROM sessions WHERE id = ?");
        q.bind(1, id);
        q.exec();
      },
      // Only once the DELETE is on disk may restore() read the table for this id again.
      [this, id] {
        std::lock_guard lock(removing_mutex_);
        removing_.erase(id);
      });
}

std::optional<SessionRecord> SqliteEventStore::restore(const std::string& id,
                                                       std::uint64_t& max_stream) {
  {
    std::lock_guard lock(removing_mutex_);
    if (removing_.count(id)) return std::nullopt;  // its removal is still on its way to disk
  }
  auto d = store::open_connection(db_);
  SQLite::Statement q(*d,
                      "SELECT subject, server_id, token_servers, protocol_version, client_info, "
                      "capabilities, created_at, last_used_at FROM sessions WHERE id = ? AND "
                      "last_used_at >= ?");
  q.bind(1, id);
  q.bind(2, static_cast<int64_t>(unix_ms() - max_age_.count()));
  if (!q.executeStep()) return std::nullopt;
  SessionRecord r;
  r.id = id;
  r.subject = q.getColumn(0).getString();
  if (!q.getColumn(1).isNull()) r.server_id = q.getColumn(1).getString();
  boost::system::error_code ec;
  auto servers = json::parse(q.getColumn(2).getString(), ec);
  if (!ec && servers.is_array())
    for (const auto& s : servers.get_array())
      if (s.is_string()) r.token_servers.emplace_back(s.get_string());
  r.protocol_version = q.getColumn(3).getString();
  r.client_info = q.getColumn(4).getString();
  r.capabilities = q.getColumn(5).getString();
  r.created_at = q.getColumn(6).getInt64();
  r.last_used_at = q.getColumn(7).getInt64();

  max_stream = 0;
  SQLite::Statement ev(*d,
                       "SELECT stream_id, seq, payload FROM events WHERE session_id = ? "
                       "ORDER BY stream_id, seq");
  ev.bind(1, id);
  while (ev.executeStep()) {
    const std::string key = ev.getColumn(0).getString();
    if (auto dot = key.rfind('.'); dot != std::string::npos)
      max_stream = std::max<std::uint64_t>(max_stream, std::stoull(key.substr(dot + 1)));
    memory_.append(id, key, static_cast<std::uint64_t>(ev.getColumn(1).getInt64()),
                   ev.getColumn(2).getString());
  }
  return r;
}

}  // namespace mcpgw::transport
