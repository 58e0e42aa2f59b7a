#pragma once
// Durable session records, so that sessions (and, with them, Last-Event-ID resumption) survive a
// restart. Writes are queued and never block; reads block and run off the I/O threads.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcpgw::transport {

struct SessionRecord {
  std::string id;
  std::string subject;
  std::optional<std::string> server_id;
  std::vector<std::string> token_servers;
  std::string protocol_version;
  std::string client_info;        // JSON object
  std::string capabilities;       // JSON object
  std::int64_t created_at = 0;    // epoch ms
  std::int64_t last_used_at = 0;  // epoch ms
};

class SessionRegistry {
 public:
  virtual ~SessionRegistry() = default;
  virtual void save(const SessionRecord& record) = 0;
  virtual void touch(const std::string& id, std::int64_t last_used_at) = 0;
  virtual void remove(const std::string& id) = 0;
  // Blocking. The record and the highest stream number its events use, loading those events into
  // memory for replay.
  virtual std::optional<SessionRecord> restore(const std::string& id,
                                               std::uint64_t& max_stream) = 0;
  // Blocking: returns once every write so far (a new session's record) is durable, so that
  // another node can restore it.
  virtual void flush() = 0;
};

}  // namespace mcpgw::transport
