#include "store/sqlite/sqlite_session_event_store.h"

#include <boost/json.hpp>

#include "common/clock.h"
#include "common/json_parse.h"
#include "store/batch_writer.h"
#include "store/database.h"
#include "store/sqlite/sql.h"

namespace mcpgw::store {
namespace json = boost::json;

namespace {

std::string to_json_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v)
    a.emplace_back(s);
  return json::serialize(a);
}

std::vector<std::string> from_json_array(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = parse_json(text, ec);
  if (!ec && v.is_array())
    for (const auto& s : v.get_array())
      if (s.is_string()) out.emplace_back(s.get_string());
  return out;
}

// Retention by age, on the writer thread when it is idle.
BatchWriter::Op prune_older_than(std::chrono::milliseconds age) {
  return [age](ConnectionPool::Lease& d) {
    const auto cutoff = static_cast<int64_t>(unix_ms() - age.count());
    auto& e = d.prepare("DELETE FROM events WHERE created_at < ?");
    e.bind(1, cutoff);
    e.exec();
    auto& s = d.prepare("DELETE FROM sessions WHERE last_used_at < ?");
    s.bind(1, cutoff);
    s.exec();
  };
}

class SqliteSessionEventStore final : public SessionEventStore {
 public:
  SqliteSessionEventStore(DatabaseOptions db, std::chrono::milliseconds max_age,
                          std::size_t max_queue);

  void save_session(const SessionRow& row) override;
  void touch_session(const std::string& id, std::int64_t last_used_at) override;
  void remove_session(const std::string& id, std::function<void()> after_commit) override;
  std::optional<SessionRow> find_session(const std::string& id, std::int64_t used_since) override;
  void flush() override { writer_.flush(); }

  void append_event(const std::string& session_id, EventRow event,
                    std::optional<std::uint64_t> trim_through) override;
  void erase_session_events(const std::string& session_id) override;
  void erase_stream_events(const std::string& stream_id) override;
  std::vector<EventRow> session_events(const std::string& session_id) override;

 private:
  ConnectionPool reads_;
  BatchWriter writer_;
};

SqliteSessionEventStore::SqliteSessionEventStore(DatabaseOptions db,
                                                 std::chrono::milliseconds max_age,
                                                 std::size_t max_queue)
    : reads_(db),
      writer_(std::move(db), max_queue, prune_older_than(max_age), std::chrono::minutes(1)) {}

void SqliteSessionEventStore::append_event(const std::string& session_id, EventRow event,
                                           std::optional<std::uint64_t> trim_through) {
  writer_.enqueue([session_id, event = std::move(event), trim_through](ConnectionPool::Lease& d) {
    auto& q = d.prepare(
        "INSERT OR REPLACE INTO events(stream_id, seq, session_id, payload, created_at) "
        "VALUES(?,?,?,?,?)");
    q.bind(1, event.stream_id);
    q.bind(2, static_cast<int64_t>(event.seq));
    q.bind(3, session_id);
    q.bind(4, event.payload);
    q.bind(5, static_cast<int64_t>(unix_ms()));
    q.exec();
    if (trim_through) {
      auto& t = d.prepare("DELETE FROM events WHERE stream_id = ? AND seq <= ?");
      t.bind(1, event.stream_id);
      t.bind(2, static_cast<int64_t>(*trim_through));
      t.exec();
    }
  });
}

void SqliteSessionEventStore::erase_session_events(const std::string& session_id) {
  writer_.enqueue([session_id](ConnectionPool::Lease& d) {
    auto& q = d.prepare("DELETE FROM events WHERE session_id = ?");
    q.bind(1, session_id);
    q.exec();
  });
}

void SqliteSessionEventStore::erase_stream_events(const std::string& stream_id) {
  writer_.enqueue([stream_id](ConnectionPool::Lease& d) {
    auto& q = d.prepare("DELETE FROM events WHERE stream_id = ?");
    q.bind(1, stream_id);
    q.exec();
  });
}

void SqliteSessionEventStore::save_session(const SessionRow& r) {
  writer_.enqueue([r](ConnectionPool::Lease& d) {
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

void SqliteSessionEventStore::touch_session(const std::string& id, std::int64_t last_used_at) {
  writer_.enqueue([id, last_used_at](ConnectionPool::Lease& d) {
    auto& q = d.prepare("UPDATE sessions SET last_used_at = ? WHERE id = ?");
    q.bind(1, static_cast<int64_t>(last_used_at));
    q.bind(2, id);
    q.exec();
  });
}

void SqliteSessionEventStore::remove_session(const std::string& id,
                                             std::function<void()> after_commit) {
  writer_.enqueue(
      [id](ConnectionPool::Lease& d) {
        auto& q = d.prepare("DELETE FROM sessions WHERE id = ?");
        q.bind(1, id);
        q.exec();
      },
      std::move(after_commit));
}

std::optional<SessionRow> SqliteSessionEventStore::find_session(const std::string& id,
                                                                std::int64_t used_since) {
  return sqlite::translated([&] {
    auto d = reads_.acquire();
    auto& q = d.prepare(
        "SELECT subject, server_id, token_servers, protocol_version, client_info, capabilities, "
        "created_at, last_used_at FROM sessions WHERE id = ? AND last_used_at >= ?");
    q.bind(1, id);
    q.bind(2, static_cast<int64_t>(used_since));
    return sqlite::first_row(q, [&id](const SQLite::Statement& r) {
      SessionRow s;
      s.id = id;
      s.subject = r.getColumn("subject").getString();
      s.server_id = sqlite::optional_text(r.getColumn("server_id"));
      s.token_servers = from_json_array(r.getColumn("token_servers").getString());
      s.protocol_version = r.getColumn("protocol_version").getString();
      s.client_info = r.getColumn("client_info").getString();
      s.capabilities = r.getColumn("capabilities").getString();
      s.created_at = r.getColumn("created_at").getInt64();
      s.last_used_at = r.getColumn("last_used_at").getInt64();
      return s;
    });
  });
}

std::vector<EventRow> SqliteSessionEventStore::session_events(const std::string& session_id) {
  return sqlite::translated([&] {
    auto d = reads_.acquire();
    auto& q = d.prepare(
        "SELECT stream_id, seq, payload FROM events WHERE session_id = ? ORDER BY stream_id, seq");
    q.bind(1, session_id);
    return sqlite::all_rows(q, [](const SQLite::Statement& r) {
      return EventRow{r.getColumn("stream_id").getString(),
                      static_cast<std::uint64_t>(r.getColumn("seq").getInt64()),
                      r.getColumn("payload").getString()};
    });
  });
}

}  // namespace

std::unique_ptr<SessionEventStore> make_sqlite_session_event_store(
    DatabaseOptions db, std::chrono::milliseconds max_age, std::size_t max_queue) {
  return std::make_unique<SqliteSessionEventStore>(std::move(db), max_age, max_queue);
}

}  // namespace mcpgw::store
