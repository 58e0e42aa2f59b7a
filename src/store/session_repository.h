#pragma once
// Durable records of streamable HTTP sessions, so that a session survives a restart. Writes are
// queued and applied in order with the event writes (EventRepository) of the same engine; they
// never block the caller. Reads block: call them off the I/O threads.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::store {

struct SessionRow {
  std::string id;
  std::string subject;
  std::optional<std::string> server_id;
  std::vector<std::string> token_servers;
  std::string protocol_version;
  std::string client_info;        // JSON object text
  std::string capabilities;       // JSON object text
  std::int64_t created_at = 0;    // epoch ms
  std::int64_t last_used_at = 0;  // epoch ms
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;
  // Inserts or replaces the session.
  virtual void save_session(const SessionRow& row) = 0;
  virtual void touch_session(const std::string& id, std::int64_t last_used_at) = 0;
  // after_commit, when given, runs once the removal is durable (or was dropped as failed).
  virtual void remove_session(const std::string& id, std::function<void()> after_commit) = 0;
  // Blocking. The session when it was used at or after used_since (epoch ms).
  virtual std::optional<SessionRow> find_session(const std::string& id,
                                                 std::int64_t used_since) = 0;
};

}  // namespace mcpgw::store
