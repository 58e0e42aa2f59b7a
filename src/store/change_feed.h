#pragma once
// How the nodes that share one database tell each other that something changed (the catalog):
// PostgreSQL's LISTEN/NOTIFY. A single node (SQLite) has no feed: open_change_feed gives null.
#include <functional>
#include <string>
#include <vector>

namespace mcpgw::store {

class ChangeFeed {
 public:
  // channel and the payload its publisher gave; on a (re)connect, called once per channel with
  // an empty payload, since changes may have been missed while the feed was away.
  using Handler = std::function<void(const std::string& channel, const std::string& payload)>;

  virtual ~ChangeFeed() = default;
  // Tells every node listening on channel (this one too). Blocking (one statement); throws
  // DatabaseError.
  virtual void publish(const std::string& channel, const std::string& payload) = 0;
  // Before start(): handler runs for the notices on channel (several subscribers may share one).
  virtual void subscribe(const std::string& channel, Handler handler) = 0;
  // Listens on every subscribed channel from its own thread, which runs the handlers;
  // reconnects by itself.
  virtual void start() = 0;
  // Ends the thread; no handler is called after stop() returns.
  virtual void stop() = 0;
};

}  // namespace mcpgw::store
