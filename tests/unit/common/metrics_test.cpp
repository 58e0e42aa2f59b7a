// The Prometheus text exposition (format 0.0.4) of the metrics module.
#include "common/metrics.h"

#include <catch2/catch.hpp>
#include <thread>

using namespace mcpgw::metrics;
using Catch::Matchers::Contains;

TEST_CASE("metrics: counters and gauges render with HELP, TYPE and escaped labels", "[metrics]") {
  Registry r;
  auto& requests = r.counter("t_requests_total", "Requests, by route\nand \\ status", {"route"});
  requests.with({"/a"}).inc();
  requests.with({"/a"}).inc(2);
  requests.with({"we\"ird\\\n"}).inc();
  r.gauge("t_temperature", "Degrees", {}).with({}).set(-1.5);
  CHECK(r.render() ==
        "# HELP t_requests_total Requests, by route\\nand \\\\ status\n"
        "# TYPE t_requests_total counter\n"
        "t_requests_total{route=\"/a\"} 3\n"
        "t_requests_total{route=\"we\\\"ird\\\\\\n\"} 1\n"
        "# HELP t_temperature Degrees\n"
        "# TYPE t_temperature gauge\n"
        "t_temperature -1.5\n");
  // The same family again is the same family; other labels are a mistake.
  CHECK(&r.counter("t_requests_total", "x", {"route"}) == &requests);
  CHECK_THROWS(r.counter("t_requests_total", "x", {"path"}));
  CHECK_THROWS(r.gauge("t_requests_total", "x", {"route"}));
  CHECK_THROWS(requests.with({"a", "b"}));
}

TEST_CASE("metrics: histograms have cumulative buckets, +Inf, sum and count", "[metrics]") {
  Registry r;
  static const std::vector<double> bounds{0.1, 1};
  auto& h = r.histogram("t_seconds", "Durations", {"op"}, bounds).with({"x"});
  h.observe(0.05);
  h.observe(0.1);  // le is inclusive
  h.observe(0.5);
  h.observe(7);
  CHECK(r.render() ==
        "# HELP t_seconds Durations\n"
        "# TYPE t_seconds histogram\n"
        "t_seconds_bucket{op=\"x\",le=\"0.1\"} 2\n"
        "t_seconds_bucket{op=\"x\",le=\"1\"} 3\n"
        "t_seconds_bucket{op=\"x\",le=\"+Inf\"} 4\n"
        "t_seconds_sum{op=\"x\"} 7.65\n"
        "t_seconds_count{op=\"x\"} 4\n");
}

TEST_CASE("metrics: collectors are read at scrape time and can be taken out", "[metrics]") {
  Registry r;
  int n = 4;
  const auto id = r.collector("t_things", "Things", Type::gauge, {"kind"}, [&n] {
    return std::vector<Sample>{{{"a"}, static_cast<double>(n)}};
  });
  CHECK_THAT(r.render(), Contains("t_things{kind=\"a\"} 4\n"));
  n = 5;
  CHECK_THAT(r.render(), Contains("t_things{kind=\"a\"} 5\n"));
  CHECK_THROWS(
      r.collector("t_things", "again", Type::gauge, {}, [] { return std::vector<Sample>{}; }));
  r.remove_collector(id);
  CHECK(r.render().empty());
}

TEST_CASE("metrics: values are written as the format reads them", "[metrics]") {
  CHECK(format_value(3) == "3");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(1e300) == "1e+300");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::nan("")) == "NaN");
}

TEST_CASE("metrics: concurrent recording loses nothing", "[metrics]") {
  Registry r;
  auto& c = r.counter("t_total", "n", {}).with({});
  auto& h = r.histogram("t_h_seconds", "h", {}).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        c.inc();
        h.observe(0.001);
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(c.value() == 40'000);
  CHECK(h.cumulative().back() == 40'000);
  CHECK(h.sum() == Approx(40.0));
}
