// Durable SSE events per second: appends through the durable event store (what a session's
// streams use with event_store: database) counted once their group commit reports them durable,
// the point from which mcpgw may send them. K streams append at once, each on its own thread:
//   open loop    each stream appends as fast as it can; events/s until the last one is durable
//   closed loop  each stream appends its next event only once the last one is durable (a stream
//                whose every event is waited for: the commit latency, amortized over K streams)
//   SSE calls    (PostgreSQL, nodes sharing the store) what a relayed call answered on an SSE
//                stream writes: the stream's record, e events, its end; K clients, each with
//                one call at a time; calls/s, a call counted once its last event is durable
// Usage: bench_durable_events DIR [POSTGRES_URL] [EVENTS]
//   (the URL of an empty database the bench may write; without one, SQLite only)
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/open.h"
#include "transport/durable_event_store.h"

using namespace mcpgw;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kPayload =
    R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"tok-123","progress":50,"total":100,"message":"halfway there"}})";

struct Result {
  double open_rate = 0, closed_rate = 0;
};

double open_loop(transport::DurableEventStore& s, std::size_t n, std::size_t k,
                 const std::string& tag) {
  std::atomic<std::size_t> durable{0};
  std::mutex m;
  std::condition_variable done;
  const auto t = Clock::now();
  std::vector<std::thread> streams;
  for (std::size_t st = 0; st < k; ++st)
    streams.emplace_back([&, st] {
      const std::string sid = tag + "o" + std::to_string(st);
      for (std::size_t i = 1; i <= n / k; ++i)
        s.append_durable(sid, sid + ".0", i, kPayload, [&] {
          if (durable.fetch_add(1) + 1 == (n / k) * k) {
            std::lock_guard lock(m);
            done.notify_all();
          }
        });
    });
  for (auto& th : streams)
    th.join();
  std::unique_lock lock(m);
  done.wait(lock, [&] { return durable.load() == (n / k) * k; });
  return static_cast<double>(durable.load()) /
         std::chrono::duration<double>(Clock::now() - t).count();
}

double closed_loop(transport::DurableEventStore& s, std::chrono::seconds run, std::size_t k,
                   const std::string& tag) {
  std::atomic<std::size_t> total{0};
  const auto end = Clock::now() + run;
  std::vector<std::thread> streams;
  const auto t = Clock::now();
  for (std::size_t st = 0; st < k; ++st)
    streams.emplace_back([&, st] {
      const std::string sid = tag + "c" + std::to_string(st);
      std::mutex m;
      std::condition_variable cv;
      for (std::uint64_t i = 1; Clock::now() < end; ++i) {
        bool ok = false;
        s.append_durable(sid, sid + ".0", i, kPayload, [&] {
          std::lock_guard lock(m);
          ok = true;
          cv.notify_one();
        });
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return ok; });
        total.fetch_add(1);
      }
    });
  for (auto& th : streams)
    th.join();
  return static_cast<double>(total.load()) /
         std::chrono::duration<double>(Clock::now() - t).count();
}

double sse_calls(transport::DurableEventStore& s, std::size_t calls, std::size_t k, std::size_t e,
                 const std::string& tag) {
  std::atomic<std::size_t> done{0};
  const auto t = Clock::now();
  std::vector<std::thread> clients;
  for (std::size_t c = 0; c < k; ++c)
    clients.emplace_back([&, c] {
      const std::string sid = tag + "s" + std::to_string(c);
      std::mutex m;
      std::condition_variable cv;
      for (std::size_t i = 1; i <= calls / k; ++i) {
        const std::string key = sid + "." + std::to_string(i);
        bool last = false;
        s.open_post_stream(sid, key, {std::to_string(i)}, [] {});
        for (std::size_t ev = 1; ev <= e; ++ev)
          s.append_durable(
              sid, key, ev, kPayload, ev < e ? std::function<void()>() : [&] {
                std::lock_guard lock(m);
                last = true;
                cv.notify_one();
              });
        s.finish_post_stream(key);
        std::unique_lock lock(m);
        cv.wait(lock, [&] { return last; });
        done.fetch_add(1);
      }
    });
  for (auto& th : clients)
    th.join();
  return static_cast<double>(done.load()) / std::chrono::duration<double>(Clock::now() - t).count();
}

void run_calls(const store::DatabaseOptions& db, std::size_t n) {
  std::printf("\n| engine | clients | events per call | SSE calls/s | their events/s |\n");
  std::printf("|---|---|---|---|---|\n");
  for (std::size_t e : {1, 3})
    for (std::size_t k : {8, 64}) {
      transport::DurableEventStore s(db, 1000, std::chrono::hours(1), "bench-node");
      const double rate =
          sse_calls(s, n / (e + 2), k, e, "c" + std::to_string(e) + "k" + std::to_string(k));
      std::printf("| postgresql | %zu | %zu | %.0f | %.0f |\n", k, e, rate, rate * e);
      std::fflush(stdout);
    }
}

void run(const char* engine, const store::DatabaseOptions& db, std::size_t n) {
  store::migrate_database(db);
  for (std::size_t k : {1, 8, 64}) {
    transport::DurableEventStore s(db, 1000, std::chrono::hours(1));
    const std::string tag = std::string(engine) + std::to_string(k);
    const double open = open_loop(s, n, k, tag);
    const double closed = closed_loop(s, std::chrono::seconds(3), k, tag);
    std::printf("| %s | %zu | %.0f | %.0f |\n", engine, k, open, closed);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_durable_events DIR [POSTGRES_URL] [EVENTS]\n");
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  const std::string pg = argc > 2 ? argv[2] : "";
  const std::size_t n = argc > 3 ? std::stoul(argv[3]) : 200'000;
  std::filesystem::create_directories(dir);
  std::printf(
      "| engine | streams | open loop: durable events/s | closed loop: durable events/s |\n");
  std::printf("|---|---|---|---|\n");
  store::DatabaseOptions lite{(dir / "durable.db").string(), std::chrono::milliseconds(5000)};
  std::filesystem::remove(lite.path);
  run("sqlite", lite, n);
  if (!pg.empty()) {
    store::DatabaseOptions p;
    p.url = pg;
    run("postgresql", p, n);
    run_calls(p, n / 4);
  }
  return 0;
}
