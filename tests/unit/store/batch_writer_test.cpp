// The writer's batches: rows of a kind between two ops are handed over together, kinds by rank,
// ops where they were queued.
#include "store/batch_writer.h"

#include <catch2/catch.hpp>

#include <future>
#include <mutex>

#include "store/open.h"
#include "support/store_fixture.h"

using namespace mcpgw;

TEST_CASE("batch writer: a batch's rows go by kind and rank between its ops", "[store]") {
  test::TestDatabase t;
  store::migrate_database(t.opts);
  std::mutex m;
  std::vector<std::string> seen;
  auto kind = [&](const char* name) {
    return [&, name](store::sql::Connection&, const std::vector<const store::sql::Params*>& rows) {
      std::string s = name;
      for (const auto* r : rows)
        s += " " + (*r)[0].bytes();
      std::lock_guard lock(m);
      seen.push_back(s);
    };
  };
  const store::BatchWriter::RowKind late{kind("late"), 2}, early{kind("early"), 1};
  store::BatchWriter w(store::open_pool(t.opts), 1000);
  // The writer waits inside a batch of its own until the rest is queued: the rest is one batch.
  std::promise<void> go, entered;
  auto gate = go.get_future().share();
  w.enqueue([gate, &entered](store::sql::Connection&) {
    entered.set_value();
    gate.wait();
  });
  entered.get_future().wait();  // the writer holds its first batch: the rest waits for the next
  w.enqueue_row(late, {"l1"});
  w.enqueue_row(early, {"e1"});
  w.enqueue_row(late, {"l2"});
  w.enqueue([&](store::sql::Connection&) {
    std::lock_guard lock(m);
    seen.push_back("op");
  });
  w.enqueue_row(late, {"l3"});
  w.enqueue_row(early, {"e2"});
  w.enqueue_row(early, {"e3"});
  go.set_value();
  w.flush();
  CHECK(seen == std::vector<std::string>{"early e1", "late l1 l2", "op", "early e2 e3", "late l3"});
}
