#pragma once
// Prometheus metrics: counters, gauges and histograms in families with fixed label names, and
// their text exposition (format 0.0.4). Debian has no Prometheus client for C++; this is the small
// part of one mcpgw needs. Recording is lock-free (relaxed atomics) once a caller holds a series;
// finding a series by its label values takes the family's lock, so hot paths look theirs up once.
// Label values must be bounded (route patterns, method names, gateway names), never request data.
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::metrics {

class Counter {
 public:
  void inc(std::uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};

class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  void add(double d) { v_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double v);
  // Cumulative counts per bound, then the count of all (the +Inf bucket), and the sum.
  std::vector<std::uint64_t> cumulative() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, and +Inf
  std::atomic<double> sum_{0};
};

// Seconds: 0.5 ms to 10 s.
const std::vector<double>& latency_buckets();

enum class Type { counter, gauge, histogram };

template <class Series>
class Family;

// One sample a collector reports at scrape time: label values (in the family's label order) and
// the value.
struct Sample {
  std::vector<std::string> labels;
  double value = 0;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;
  ~Registry();

  // The family of this name, created on first use (later calls must give the same labels).
  Family<Counter>& counter(std::string name, std::string help, std::vector<std::string> labels);
  Family<Gauge>& gauge(std::string name, std::string help, std::vector<std::string> labels);
  Family<Histogram>& histogram(std::string name, std::string help, std::vector<std::string> labels,
                               const std::vector<double>& bounds = latency_buckets());
  // A family whose samples are read when scraped (sizes of things that keep their own count).
  // The returned id removes it (before what collect reads goes away).
  using Collect = std::function<std::vector<Sample>()>;
  std::uint64_t collector(std::string name, std::string help, Type type,
                          std::vector<std::string> labels, Collect collect);
  void remove_collector(std::uint64_t id);

  // Every family, in registration order, in the text exposition format 0.0.4.
  std::string render() const;

  struct FamilyBase;

 private:
  FamilyBase& family(std::string name, std::string help, Type type, std::vector<std::string> labels,
                     const std::vector<double>* bounds);
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<FamilyBase>> families_;
  std::uint64_t next_collector_ = 1;
};

struct Registry::FamilyBase {
  std::string name, help;
  Type type;
  std::vector<std::string> labels;
  const std::vector<double>* bounds = nullptr;
  std::uint64_t collector_id = 0;
  Collect collect;
  mutable std::mutex mutex;
  virtual ~FamilyBase() = default;
  virtual void render(std::string& out) const = 0;
};

template <class Series>
class Family final : public Registry::FamilyBase {
 public:
  // The series of these label values (as many as the family has labels), created on first use.
  // The reference stays valid as long as the registry.
  Series& with(std::initializer_list<std::string_view> values);
  Series& with(const std::vector<std::string>& values);
  void render(std::string& out) const override;

 private:
  Series& make(std::vector<std::string> key);
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

// The process's registry: what /metrics shows.
Registry& registry();
// Whether recording is on (config metrics.enabled; default on). Read when a component looks up
// its series: one that finds it off records nothing.
bool enabled();
void set_enabled(bool on);

// Text exposition escaping: label values (backslash, double quote, newline) and HELP text
// (backslash, newline).
std::string escape_label(std::string_view v);
std::string escape_help(std::string_view v);
// A sample value as the format writes it (NaN, +Inf, -Inf; integers without a fraction).
std::string format_value(double v);

}  // namespace mcpgw::metrics
