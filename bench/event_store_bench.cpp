// Event-store throughput: appends per second (memory, and SQLite until durably committed), and
// the time to replay 1,000 events (memory read; SQLite restore from disk after a restart).
// Usage: bench_event_store DIR [EVENTS]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "common/clock.h"
#include "store/database.h"
#include "store/open.h"
#include "store/migrations.h"
#include "transport/memory_event_store.h"
#include "transport/durable_event_store.h"

using namespace mcpgw;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
// A typical small SSE payload: a progress notification.
const std::string kPayload =
    R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"tok-123","progress":50,"total":100,"message":"halfway there"}})";

template <typename Store>
double append_rate(Store& s, std::size_t n, std::size_t streams) {
  const auto t = Clock::now();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t st = i % streams;
    s.append("sess" + std::to_string(st), "sess" + std::to_string(st) + ".0", i / streams + 1,
             kPayload);
  }
  if constexpr (std::is_same_v<Store, transport::DurableEventStore>) s.flush();
  return static_cast<double>(n) / seconds_since(t);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_event_store DIR [EVENTS]\n");
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  const std::size_t n = argc > 2 ? std::stoul(argv[2]) : 200'000;
  std::filesystem::create_directories(dir);
  store::DatabaseOptions db{(dir / "bench.db").string(), std::chrono::milliseconds(5000)};
  std::filesystem::remove(db.path);
  store::migrate_database(db);

  transport::MemoryEventStore mem(1000);
  const double mem_rate = append_rate(mem, n, 100);
  double sqlite_rate = 0;
  {
    transport::DurableEventStore sq(db, 1000, std::chrono::hours(1));
    sqlite_rate = append_rate(sq, n, 100);
  }

  // Replay of 1,000 events of one stream.
  transport::MemoryEventStore one(1000);
  for (std::uint64_t i = 1; i <= 1000; ++i)
    one.append("r", "r.0", i, kPayload);
  const auto t_mem = Clock::now();
  std::size_t got = 0;
  for (std::uint64_t after = 0;;) {
    auto batch = one.read_after("r.0", after, 64);
    if (batch.empty()) break;
    got += batch.size();
    after = batch.back().seq;
  }
  const double mem_replay = seconds_since(t_mem);

  {
    transport::DurableEventStore sq(db, 1000, std::chrono::hours(1));
    const auto now = unix_ms();
    sq.save({"r", "bench", std::nullopt, {}, "2025-11-25", "{}", "{}", now, now});
    for (std::uint64_t i = 1; i <= 1000; ++i)
      sq.append("r", "r.0", i, kPayload);
  }
  transport::DurableEventStore reopened(db, 1000, std::chrono::hours(1));
  const auto t_sq = Clock::now();
  std::uint64_t max_stream = 0;
  auto rec = reopened.restore("r", max_stream);
  std::size_t got_sq = 0;
  for (std::uint64_t after = 0;;) {
    auto batch = reopened.read_after("r.0", after, 64);
    if (batch.empty()) break;
    got_sq += batch.size();
    after = batch.back().seq;
  }
  const double sq_replay = seconds_since(t_sq);

  std::printf("| store | appends/s (%zu events, 100 streams) | replay of 1,000 events |\n", n);
  std::printf("|---|---|---|\n");
  std::printf("| memory | %.0f | %.3f ms (%zu events) |\n", mem_rate, mem_replay * 1e3, got);
  std::printf(
      "| sqlite (until committed) | %.0f | %.3f ms from disk after restart (%zu events%s) |\n",
      sqlite_rate, sq_replay * 1e3, got_sq, rec ? "" : ", SESSION MISSING");
  return got == 1000 && got_sq == 1000 ? 0 : 1;
}
