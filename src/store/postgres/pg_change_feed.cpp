#include "store/postgres/pg_change_feed.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <thread>

#include "store/postgres/pg_pool.h"

namespace mcpgw::store::postgres {
namespace {

class PgChangeFeed final : public ChangeFeed {
 public:
  PgChangeFeed(DatabaseOptions opts, sql::Pool& pool) : opts_(std::move(opts)), pool_(pool) {
    if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0)
      throw DatabaseError("cannot create the change feed's wake-up pipe");
  }
  ~PgChangeFeed() override {
    stop();
    ::close(wake_[0]);
    ::close(wake_[1]);
  }

  void publish(const std::string& channel, const std::string& payload) override {
    pool_.acquire()->query("SELECT pg_notify(?, ?)", {channel, payload});
  }

  void subscribe(const std::string& channel, Handler handler) override {
    if (std::find(channels_.begin(), channels_.end(), channel) == channels_.end())
      channels_.push_back(channel);
    handlers_.emplace_back(channel, std::move(handler));
  }

  void start() override {
    thread_ = std::thread([this] { run(); });
  }

  void stop() override {
    if (!thread_.joinable()) return;
    stopping_ = true;
    const char b = 1;
    [[maybe_unused]] auto n = ::write(wake_[1], &b, 1);
    thread_.join();
  }

 private:
  // Waits up to ms for the connection's socket (fd >= 0) or the wake-up pipe; false when woken
  // to stop.
  bool wait(int fd, int ms) {
    pollfd fds[2] = {{wake_[0], POLLIN, 0}, {fd, POLLIN, 0}};
    ::poll(fds, fd >= 0 ? 2 : 1, ms);
    return !stopping_;
  }

  // A connection that listens on every channel, or null (the reason logged once per outage).
  PGconn* listen() {
    PGconn* c = nullptr;
    try {
      c = open_pgconn(opts_);
    } catch (const DatabaseError& e) {
      if (!down_) spdlog::warn("database change feed: {}; retrying", e.what());
      down_ = true;
      return nullptr;
    }
    for (const auto& ch : channels_) {
      char* quoted = PQescapeIdentifier(c, ch.c_str(), ch.size());
      PGresult* r = PQexec(c, (std::string("LISTEN ") + quoted).c_str());
      PQfreemem(quoted);
      const bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
      PQclear(r);
      if (!ok) {
        if (!down_) spdlog::warn("database change feed: LISTEN failed: {}", PQerrorMessage(c));
        down_ = true;
        PQfinish(c);
        return nullptr;
      }
    }
    if (down_) spdlog::info("database change feed: listening again");
    down_ = false;
    return c;
  }

  void run() {
    auto backoff = std::chrono::milliseconds(250);
    while (!stopping_) {
      PGconn* c = listen();
      if (!c) {
        if (!wait(-1, static_cast<int>(backoff.count()))) return;
        backoff = std::min<std::chrono::milliseconds>(backoff * 2, std::chrono::seconds(5));
        continue;
      }
      backoff = std::chrono::milliseconds(250);
      // Whatever changed while this node was not listening (at start: since the snapshot it
      // loaded) is caught up by one reload per channel.
      for (const auto& ch : channels_)
        dispatch(ch, "");
      follow(c);
      PQfinish(c);
    }
  }

  // Delivers notifications until the connection breaks or stop() is called.
  void follow(PGconn* c) {
    while (wait(PQsocket(c), 1000)) {
      if (!PQconsumeInput(c)) {
        spdlog::warn("database change feed: connection lost: {}; reconnecting", PQerrorMessage(c));
        return;
      }
      // Coalesced: a burst of commits costs one handler call per channel and payload.
      std::set<std::pair<std::string, std::string>> got;
      while (PGnotify* n = PQnotifies(c)) {
        got.emplace(n->relname, n->extra ? n->extra : "");
        PQfreemem(n);
      }
      for (const auto& [ch, payload] : got)
        dispatch(ch, payload);
      if (PQstatus(c) != CONNECTION_OK) return;
    }
  }

  void dispatch(const std::string& channel, const std::string& payload) {
    for (const auto& [ch, handler] : handlers_)
      if (ch == channel) handler(channel, payload);
  }

  DatabaseOptions opts_;
  sql::Pool& pool_;
  std::vector<std::string> channels_;
  std::vector<std::pair<std::string, Handler>> handlers_;
  std::atomic<bool> stopping_{false};
  bool down_ = false;
  int wake_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace

std::unique_ptr<ChangeFeed> make_change_feed(DatabaseOptions opts, sql::Pool& pool) {
  return std::make_unique<PgChangeFeed>(std::move(opts), pool);
}

}  // namespace mcpgw::store::postgres
