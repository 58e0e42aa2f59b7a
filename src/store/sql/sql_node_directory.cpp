#include "store/sql/sql_node_directory.h"

#include <algorithm>

#include "common/clock.h"

namespace mcpgw::store {
namespace {

class SqlNodeDirectory final : public NodeDirectory {
 public:
  explicit SqlNodeDirectory(sql::Pool& pool) : pool_(pool) {}

  void heartbeat(const std::string& node_id) override {
    auto c = pool_.acquire();
    const std::string now = sql::now_ms_expression(c->engine());
    c->exec("INSERT INTO nodes(id, started_at, heartbeat_at) VALUES(?, " + now + ", " + now +
                ") ON CONFLICT(id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at",
            {node_id});
  }

  void leave(const std::string& node_id) override {
    // Kept, dead at once: what it held (streams, subscriptions) is found by its id.
    pool_.acquire()->exec("UPDATE nodes SET heartbeat_at = 0 WHERE id = ?", {node_id});
  }

  bool alive(const std::string& node_id, std::chrono::milliseconds lease) override {
    auto c = pool_.acquire();
    return !c->query("SELECT 1 AS one FROM nodes WHERE id = ? AND heartbeat_at >= " +
                         sql::now_ms_expression(c->engine()) + " - ?",
                     {node_id, static_cast<std::int64_t>(lease.count())})
                .empty();
  }

  std::vector<std::string> alive_nodes(std::chrono::milliseconds lease) override {
    auto c = pool_.acquire();
    return c
        ->query("SELECT id FROM nodes WHERE heartbeat_at >= " +
                    sql::now_ms_expression(c->engine()) + " - ? ORDER BY id",
                {static_cast<std::int64_t>(lease.count())})
        .map([](const sql::Rows::Row& r) { return r.text("id"); });
  }

  void post(const std::string& node_id, const NodeMessage& m) override {
    auto c = pool_.acquire();
    sql::Transaction tx(*c, sql::TxMode::plain);
    c->exec("INSERT INTO node_messages(node_id, session_id, payload, created_at) VALUES(?,?,?,?)",
            {node_id, m.session_id, m.payload, static_cast<std::int64_t>(unix_ms())});
    if (c->engine() == sql::Engine::postgresql)
      c->query("SELECT pg_notify(?, ?)", {std::string(kMailboxChannel), node_id});
    tx.commit();
  }

  std::vector<NodeMessage> take(const std::string& node_id) override {
    auto rows = pool_.acquire()->query(
        "DELETE FROM node_messages WHERE node_id = ? RETURNING id, session_id, payload", {node_id});
    // RETURNING gives no order: the messages in the order they were left.
    std::vector<std::pair<std::int64_t, NodeMessage>> taken = rows.map([](const sql::Rows::Row& r) {
      return std::pair{r.integer("id"), NodeMessage{r.text("session_id"), r.text("payload")}};
    });
    std::sort(taken.begin(), taken.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<NodeMessage> out;
    out.reserve(taken.size());
    for (auto& t : taken)
      out.push_back(std::move(t.second));
    return out;
  }

 private:
  sql::Pool& pool_;
};

}  // namespace

std::unique_ptr<NodeDirectory> make_node_directory(sql::Pool& pool) {
  return std::make_unique<SqlNodeDirectory>(pool);
}

}  // namespace mcpgw::store
