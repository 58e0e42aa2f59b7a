#include "store/batch_writer.h"

#include <spdlog/spdlog.h>

namespace mcpgw::store {

BatchWriter::BatchWriter(std::unique_ptr<sql::Pool> pool, std::size_t max_queue, Op idle_task,
                         std::chrono::milliseconds idle_interval)
    : pool_(std::move(pool)),
      conn_(pool_->acquire()),
      max_queue_(max_queue),
      idle_task_(std::move(idle_task)),
      idle_interval_(idle_interval),
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
  std::unique_lock lock(mutex_);
  if (queue_.size() >= max_queue_) {
    if (!warned_full_) {
      warned_full_ = true;
      spdlog::warn("database writer queue full ({} writes): callers wait for the disk", max_queue_);
    }
    has_room_.wait(lock, [&] { return queue_.size() < max_queue_ || stopping_; });
  }
  queue_.push_back({std::move(op), std::move(after_commit)});
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
    apply(batch);
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
    for (auto& item : batch)
      item.op(*c);
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
  for (auto& item : batch) {
    try {
      sql::Transaction tx(*c, sql::TxMode::plain);
      item.op(*c);
      tx.commit();
    } catch (const std::exception& e) {
      spdlog::error("database writer: a write failed and was dropped: {}", e.what());
      if (!c->usable()) return;
    }
  }
}

}  // namespace mcpgw::store
