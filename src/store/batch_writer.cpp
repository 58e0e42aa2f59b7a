#include "store/batch_writer.h"
#include "common/metrics.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace mcpgw::store {

BatchWriter::BatchWriter(std::unique_ptr<sql::Pool> pool, std::size_t max_queue, Op idle_task,
                         std::chrono::milliseconds idle_interval)
    : pool_(std::move(pool)),
      conn_(pool_->acquire()),
      max_queue_(max_queue),
      idle_task_(std::move(idle_task)),
      idle_interval_(idle_interval),
      commit_seconds_(metrics::enabled()
                          ? &metrics::registry()
                                 .histogram("mcpgw_event_store_commit_duration_seconds",
                                            "Time to commit one batch of the database writer "
                                            "(events, stream records, sessions)",
                                            {})
                                 .with({})
                          : nullptr),
      queue_depth_(metrics::enabled() ? &metrics::registry()
                                             .gauge("mcpgw_event_store_queue_depth",
                                                    "Writes waiting for the database writer", {})
                                             .with({})
                                      : nullptr),
      thread_([this] { run(); }) {}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  has_work_.notify_all();
  thread_.join();
}

void BatchWriter::enqueue(Op op, std::function<void()> after_commit) {
  push({std::move(op), std::move(after_commit), nullptr, {}});
}

void BatchWriter::enqueue_row(const RowKind& kind, sql::Params row,
                              std::function<void()> after_commit) {
  push({{}, std::move(after_commit), &kind, std::move(row)});
}

void BatchWriter::push(Item item) {
  std::unique_lock lock(mutex_);
  if (queue_.size() >= max_queue_) {
    if (!warned_full_) {
      warned_full_ = true;
      spdlog::warn("database writer queue full ({} writes): callers wait for the disk", max_queue_);
    }
    has_room_.wait(lock, [&] { return queue_.size() < max_queue_ || stopping_; });
  }
  queue_.push_back(std::move(item));
  ++enqueued_;
  lock.unlock();
  has_work_.notify_one();
}

void BatchWriter::flush() {
  std::unique_lock lock(mutex_);
  const auto target = enqueued_;
  committed_.wait(lock, [&] { return done_ >= target; });
}

void BatchWriter::run() {
  constexpr std::size_t kMaxBatch = 2048;
  auto next_idle = std::chrono::steady_clock::now() + idle_interval_;
  for (;;) {
    std::deque<Item> batch;
    {
      std::unique_lock lock(mutex_);
      has_work_.wait_until(lock, next_idle, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (queue_.size() < max_queue_ / 2) warned_full_ = false;
      if (queue_depth_) queue_depth_->set(static_cast<double>(queue_.size()));
    }
    has_room_.notify_all();
    if (batch.empty()) {
      next_idle = std::chrono::steady_clock::now() + idle_interval_;
      if (idle_task_) {
        try {
          if (auto* c = connection()) idle_task_(*c);
        } catch (const std::exception& e) {
          spdlog::error("database writer: periodic task failed: {}", e.what());
        }
      }
      continue;
    }
    const auto started = std::chrono::steady_clock::now();
    apply(batch);
    if (commit_seconds_)
      commit_seconds_->observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    for (auto& item : batch)
      if (item.after_commit) item.after_commit();
    {
      std::lock_guard lock(mutex_);
      done_ += batch.size();
    }
    committed_.notify_all();
  }
}

// The writer's connection, opened again after it broke (the database restarted); null while the
// database cannot be reached.
sql::Connection* BatchWriter::connection() {
  if (conn_ && (*conn_)->usable()) return &**conn_;
  conn_.reset();
  try {
    conn_.emplace(pool_->acquire());
  } catch (const DatabaseError& e) {
    spdlog::error("database writer: {}", e.what());
    return nullptr;
  }
  return &**conn_;
}

void BatchWriter::apply(std::deque<Item>& batch) {
  auto* c = connection();
  if (!c) {
    spdlog::error("database writer: batch of {} write(s) lost: no database connection",
                  batch.size());
    return;
  }
  try {
    sql::Transaction tx(*c, sql::TxMode::plain);
    for (std::size_t i = 0; i < batch.size();)
      i = apply_from(*c, batch, i, false);
    tx.commit();
    return;
  } catch (const std::exception& e) {
    if (batch.size() == 1 || !c->usable()) {
      spdlog::error("database writer: batch of {} write(s) lost: {}", batch.size(), e.what());
      return;
    }
  }
  // One bad write must not take the batch down with it (a failed statement aborts the whole
  // transaction in PostgreSQL): each write again in a transaction of its own.
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      sql::Transaction tx(*c, sql::TxMode::plain);
      apply_from(*c, batch, i, true);
      tx.commit();
    } catch (const std::exception& e) {
      spdlog::error("database writer: a write failed and was dropped: {}", e.what());
      if (!c->usable()) return;
    }
  }
}

std::size_t BatchWriter::apply_from(sql::Connection& c, std::deque<Item>& batch, std::size_t i,
                                    bool alone) {
  const RowKind* kind = batch[i].kind;
  if (!kind) {
    batch[i].op(c);
    return i + 1;
  }
  // The kinds in rank order, each one's rows in queue order.
  std::vector<std::pair<const RowKind*, std::vector<const sql::Params*>>> kinds;
  std::size_t j = i;
  do {
    const RowKind* k = batch[j].kind;
    auto it = std::find_if(kinds.begin(), kinds.end(), [k](const auto& e) { return e.first == k; });
    if (it == kinds.end()) it = kinds.insert(kinds.end(), {k, {}});
    it->second.push_back(&batch[j++].row);
  } while (!alone && j < batch.size() && batch[j].kind);
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const auto& a, const auto& b) { return a.first->rank < b.first->rank; });
  for (const auto& [k, rows] : kinds)
    k->write_rows(c, rows);
  return j;
}

}  // namespace mcpgw::store
