#include "app/cluster.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>

using namespace mcpgw;

namespace {
// The nodes table of a database, shared by the test's nodes.
struct FakeNodes : store::NodeDirectory {
  std::set<std::string> alive_ids;
  void heartbeat(const std::string& id) override { alive_ids.insert(id); }
  void leave(const std::string& id) override { alive_ids.erase(id); }
  bool alive(const std::string& id, std::chrono::milliseconds) override {
    return alive_ids.count(id) != 0;
  }
  std::vector<std::string> alive_nodes(std::chrono::milliseconds) override {
    return {alive_ids.begin(), alive_ids.end()};
  }
  void post(const std::string&, const store::NodeMessage&) override {}
  std::vector<store::NodeMessage> take(const std::string&) override { return {}; }
};
struct NoFeed : store::ChangeFeed {
  void publish(const std::string&, const std::string&) override {}
  void subscribe(const std::string&, Handler) override {}
  void start() override {}
  void stop() override {}
};
}  // namespace

TEST_CASE("every chore has exactly one node of those alive, and moves when it leaves",
          "[cluster]") {
  FakeNodes nodes;
  NoFeed feed;
  nodes.heartbeat("n1");
  nodes.heartbeat("n2");
  nodes.heartbeat("n3");
  app::Cluster a(nodes, feed, "n1"), b(nodes, feed, "n2"), c(nodes, feed, "n3");
  for (auto* n : {&a, &b, &c})
    n->start(nullptr, nullptr);
  std::map<std::string, int> per_node;
  for (int i = 0; i < 300; ++i) {
    const std::string chore = "gateway-" + std::to_string(i);
    const int leaders = a.leads(chore) + b.leads(chore) + c.leads(chore);
    CHECK(leaders == 1);
    per_node[a.leads(chore) ? "n1" : b.leads(chore) ? "n2" : "n3"]++;
  }
  // Spread over the nodes (each gets a fair share of 300, far from all or none).
  for (const auto& [node, n] : per_node)
    CHECK(n > 50);
  CHECK(per_node.size() == 3);
  // n3 stops: its chores are the others' at their next heartbeat; theirs stay where they were.
  std::set<std::string> held_by_a;
  for (int i = 0; i < 300; ++i)
    if (a.leads("gateway-" + std::to_string(i))) held_by_a.insert("gateway-" + std::to_string(i));
  c.stop();
  app::Cluster a2(nodes, feed, "n1"), b2(nodes, feed, "n2");  // as after their next heartbeat
  a2.start(nullptr, nullptr);
  b2.start(nullptr, nullptr);
  for (int i = 0; i < 300; ++i) {
    const std::string chore = "gateway-" + std::to_string(i);
    CHECK(a2.leads(chore) + b2.leads(chore) == 1);
    if (held_by_a.count(chore)) CHECK(a2.leads(chore));
  }
}
