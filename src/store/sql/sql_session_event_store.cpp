#include "store/sql/sql_session_event_store.h"

#include "common/clock.h"
#include "store/batch_writer.h"
#include "store/open.h"
#include "store/sql/repositories.h"

namespace mcpgw::store {

namespace {

using sql::from_json_array;
using sql::to_json_array;

// Retention by age, on the writer thread when it is idle.
BatchWriter::Op prune_older_than(std::chrono::milliseconds age) {
  return [age](sql::Connection& d) {
    const auto cutoff = static_cast<std::int64_t>(unix_ms() - age.count());
    d.exec("DELETE FROM events WHERE created_at < ?", {cutoff});
    d.exec("DELETE FROM sessions WHERE last_used_at < ?", {cutoff});
  };
}

class SqlSessionEventStore final : public SessionEventStore {
 public:
  SqlSessionEventStore(DatabaseOptions db, std::chrono::milliseconds max_age,
                       std::size_t max_queue);

  void save_session(const SessionRow& row) override;
  void touch_session(const std::string& id, std::int64_t last_used_at) override;
  void remove_session(const std::string& id, std::function<void()> after_commit) override;
  std::optional<SessionRow> find_session(const std::string& id, std::int64_t used_since) override;
  void flush() override { writer_.flush(); }

  void append_event(const std::string& session_id, EventRow event,
                    std::optional<std::uint64_t> trim_through,
                    std::function<void()> after_commit) override;
  void erase_session_events(const std::string& session_id) override;
  void erase_stream_events(const std::string& stream_id) override;
  std::vector<EventRow> session_events(const std::string& session_id) override;

 private:
  std::unique_ptr<sql::Pool> reads_;
  BatchWriter writer_;
};

SqlSessionEventStore::SqlSessionEventStore(DatabaseOptions db, std::chrono::milliseconds max_age,
                                           std::size_t max_queue)
    : reads_(open_pool(db)),
      writer_(open_pool(db), max_queue, prune_older_than(max_age), std::chrono::minutes(1)) {}

void SqlSessionEventStore::append_event(const std::string& session_id, EventRow event,
                                        std::optional<std::uint64_t> trim_through,
                                        std::function<void()> after_commit) {
  writer_.enqueue(
      [session_id, event = std::move(event), trim_through](sql::Connection& d) {
        d.exec(
            "INSERT INTO events(stream_id, seq, session_id, payload, created_at) VALUES(?,?,?,?,?) "
            "ON CONFLICT(stream_id, seq) DO UPDATE SET session_id = excluded.session_id, "
            "payload = excluded.payload, created_at = excluded.created_at",
            {event.stream_id, static_cast<std::int64_t>(event.seq), session_id, event.payload,
             static_cast<std::int64_t>(unix_ms())});
        if (trim_through)
          d.exec("DELETE FROM events WHERE stream_id = ? AND seq <= ?",
                 {event.stream_id, static_cast<std::int64_t>(*trim_through)});
      },
      std::move(after_commit));
}

void SqlSessionEventStore::erase_session_events(const std::string& session_id) {
  writer_.enqueue([session_id](sql::Connection& d) {
    d.exec("DELETE FROM events WHERE session_id = ?", {session_id});
  });
}

void SqlSessionEventStore::erase_stream_events(const std::string& stream_id) {
  writer_.enqueue([stream_id](sql::Connection& d) {
    d.exec("DELETE FROM events WHERE stream_id = ?", {stream_id});
  });
}

void SqlSessionEventStore::save_session(const SessionRow& r) {
  writer_.enqueue([r](sql::Connection& d) {
    d.exec(
        "INSERT INTO sessions(id, subject, server_id, token_servers, protocol_version, "
        "client_info, capabilities, created_at, last_used_at) VALUES(?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(id) DO UPDATE SET subject = excluded.subject, "
        "server_id = excluded.server_id, token_servers = excluded.token_servers, "
        "protocol_version = excluded.protocol_version, client_info = excluded.client_info, "
        "capabilities = excluded.capabilities, created_at = excluded.created_at, "
        "last_used_at = excluded.last_used_at",
        {r.id, r.subject, r.server_id, to_json_array(r.token_servers), r.protocol_version,
         r.client_info, r.capabilities, static_cast<std::int64_t>(r.created_at),
         static_cast<std::int64_t>(r.last_used_at)});
  });
}

void SqlSessionEventStore::touch_session(const std::string& id, std::int64_t last_used_at) {
  writer_.enqueue([id, last_used_at](sql::Connection& d) {
    d.exec("UPDATE sessions SET last_used_at = ? WHERE id = ?", {last_used_at, id});
  });
}

void SqlSessionEventStore::remove_session(const std::string& id,
                                          std::function<void()> after_commit) {
  writer_.enqueue([id](sql::Connection& d) { d.exec("DELETE FROM sessions WHERE id = ?", {id}); },
                  std::move(after_commit));
}

std::optional<SessionRow> SqlSessionEventStore::find_session(const std::string& id,
                                                             std::int64_t used_since) {
  const auto rows = reads_->acquire()->query(
      "SELECT subject, server_id, token_servers, protocol_version, client_info, capabilities, "
      "created_at, last_used_at FROM sessions WHERE id = ? AND last_used_at >= ?",
      {id, used_since});
  if (rows.empty()) return std::nullopt;
  const auto r = rows[0];
  SessionRow s;
  s.id = id;
  s.subject = r.text("subject");
  s.server_id = r.optional_text("server_id");
  s.token_servers = from_json_array(r.text("token_servers"));
  s.protocol_version = r.text("protocol_version");
  s.client_info = r.text("client_info");
  s.capabilities = r.text("capabilities");
  s.created_at = r.integer("created_at");
  s.last_used_at = r.integer("last_used_at");
  return s;
}

std::vector<EventRow> SqlSessionEventStore::session_events(const std::string& session_id) {
  return reads_->acquire()
      ->query(
          "SELECT stream_id, seq, payload FROM events WHERE session_id = ? "
          "ORDER BY stream_id, seq",
          {session_id})
      .map([](const sql::Rows::Row& r) {
        return EventRow{r.text("stream_id"), static_cast<std::uint64_t>(r.integer("seq")),
                        r.text("payload")};
      });
}

}  // namespace

std::unique_ptr<SessionEventStore> make_session_event_store(DatabaseOptions db,
                                                            std::chrono::milliseconds max_age,
                                                            std::size_t max_queue) {
  return std::make_unique<SqlSessionEventStore>(std::move(db), max_age, max_queue);
}

}  // namespace mcpgw::store
