#pragma once
// One thread that applies queued writes to the database in batches, one transaction per batch
// (group commit), so that callers on I/O threads never wait for the disk. The queue is bounded:
// when it is full, enqueue waits (back-pressure rather than lost writes).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "store/sql/connection.h"

namespace mcpgw::store {

class BatchWriter {
 public:
  // An op gets the writer's connection (its prepared statements stay cached across batches).
  using Op = std::function<void(sql::Connection&)>;

  // idle_task runs on the writer thread every idle_interval (retention pruning); may be empty.
  BatchWriter(std::unique_ptr<sql::Pool> pool, std::size_t max_queue, Op idle_task = {},
              std::chrono::milliseconds idle_interval = std::chrono::minutes(1));
  ~BatchWriter();  // commits what is queued, then stops
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  // after_commit, when given, runs on the writer thread once the op's batch is committed (also
  // when the op failed and was dropped).
  void enqueue(Op op, std::function<void()> after_commit = {});
  // Rows of one kind (one table's insert): the rows of a kind that a batch holds between two
  // ops go to write_rows together, in queue order, so that it can write them in a few multi-row
  // statements instead of a round trip each. Between two ops, kinds go by rank (lowest first),
  // whatever their order in the queue: rows of different kinds must not depend on each other
  // but by their ranks. A kind outlives the writer's use of it.
  struct RowKind {
    std::function<void(sql::Connection&, const std::vector<const sql::Params*>& rows)> write_rows;
    int rank = 0;
  };
  void enqueue_row(const RowKind& kind, sql::Params row, std::function<void()> after_commit = {});
  // Returns once everything enqueued before the call is committed.
  void flush();

 private:
  struct Item {
    Op op;
    std::function<void()> after_commit;
    const RowKind* kind = nullptr;  // a row (then op is empty)
    sql::Params row;
  };
  void push(Item item);
  void run();
  void apply(std::deque<Item>& batch);
  // Applies batch[i] (an op), or (a row) the rows up to the next op (alone: only it); the index
  // after what it applied.
  static std::size_t apply_from(sql::Connection& c, std::deque<Item>& batch, std::size_t i,
                                bool alone);
  sql::Connection* connection();

  std::unique_ptr<sql::Pool> pool_;
  std::optional<sql::Pool::Lease> conn_;
  const std::size_t max_queue_;
  Op idle_task_;
  std::chrono::milliseconds idle_interval_;
  mutable std::mutex mutex_;
  std::condition_variable has_work_, has_room_, committed_;
  std::deque<Item> queue_;
  std::uint64_t enqueued_ = 0, done_ = 0;
  bool stopping_ = false;
  bool warned_full_ = false;  // one warning per episode of a full queue
  // Its series in the metrics registry (null when metrics are off); set before the thread starts.
  metrics::Histogram* const commit_seconds_;
  metrics::Gauge* const queue_depth_;
  std::thread thread_;
};

}  // namespace mcpgw::store
