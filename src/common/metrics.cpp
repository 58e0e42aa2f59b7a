#include "common/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mcpgw::metrics {

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), counts_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  for (std::size_t i = 0; i <= bounds.size(); ++i)
    counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double v) {
  const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[static_cast<std::size_t>(at)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    out[i] = total;
  }
  return out;
}

const std::vector<double>& latency_buckets() {
  static const std::vector<double> b{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                     0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return b;
}

std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

namespace {

const char* type_name(Type t) {
  switch (t) {
    case Type::counter:
      return "counter";
    case Type::gauge:
      return "gauge";
    case Type::histogram:
      break;
  }
  return "histogram";
}

// {a="x",b="y"} with extra (le) appended; "" when there are no labels at all.
std::string label_text(const std::vector<std::string>& names,
                       const std::vector<std::string>& values, std::string_view extra_name = {},
                       std::string_view extra_value = {}) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i)
    out += (out.empty() ? "" : ",") + names[i] + "=\"" + escape_label(values[i]) + "\"";
  if (!extra_name.empty())
    out += (out.empty() ? "" : ",") + std::string(extra_name) + "=\"" + std::string(extra_value) +
           "\"";
  return out.empty() ? out : "{" + out + "}";
}

void header(std::string& out, const Registry::FamilyBase& f) {
  out += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
  out += "# TYPE " + f.name + " " + type_name(f.type) + "\n";
}

void render_histogram(std::string& out, const Registry::FamilyBase& f,
                      const std::vector<std::string>& values, const Histogram& h) {
  const auto counts = h.cumulative();
  for (std::size_t i = 0; i < h.bounds().size(); ++i)
    out += f.name + "_bucket" + label_text(f.labels, values, "le", format_value(h.bounds()[i])) +
           " " + std::to_string(counts[i]) + "\n";
  out += f.name + "_bucket" + label_text(f.labels, values, "le", "+Inf") + " " +
         std::to_string(counts.back()) + "\n";
  out += f.name + "_sum" + label_text(f.labels, values) + " " + format_value(h.sum()) + "\n";
  out +=
      f.name + "_count" + label_text(f.labels, values) + " " + std::to_string(counts.back()) + "\n";
}

template <class Series>
Family<Series>* as(Registry::FamilyBase& f, Type want) {
  if (f.type != want || f.collect) throw std::logic_error("metric " + f.name + ": another type");
  return static_cast<Family<Series>*>(&f);
}

struct CollectorFamily final : Registry::FamilyBase {
  void render(std::string& out) const override {
    const auto samples = collect();
    header(out, *this);
    for (const auto& s : samples)
      out += name + label_text(labels, s.labels) + " " + format_value(s.value) + "\n";
  }
};

}  // namespace

template <class Series>
Series& Family<Series>::make(std::vector<std::string> key) {
  if (key.size() != labels.size())
    throw std::logic_error("metric " + name + ": wrong number of label values");
  std::lock_guard lock(mutex);
  auto it = series_.find(key);
  if (it != series_.end()) return *it->second;
  std::unique_ptr<Series> s;
  if constexpr (std::is_same_v<Series, Histogram>)
    s = std::make_unique<Histogram>(*bounds);
  else
    s = std::make_unique<Series>();
  return *series_.emplace(std::move(key), std::move(s)).first->second;
}

template <class Series>
Series& Family<Series>::with(std::initializer_list<std::string_view> values) {
  return make(std::vector<std::string>(values.begin(), values.end()));
}

template <class Series>
Series& Family<Series>::with(const std::vector<std::string>& values) {
  return make(values);
}

template <class Series>
void Family<Series>::render(std::string& out) const {
  header(out, *this);
  std::lock_guard lock(mutex);
  for (const auto& [values, s] : series_) {
    if constexpr (std::is_same_v<Series, Histogram>)
      render_histogram(out, *this, values, *s);
    else
      out += name + label_text(labels, values) + " " +
             format_value(static_cast<double>(s->value())) + "\n";
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

Registry::~Registry() = default;

Registry::FamilyBase& Registry::family(std::string name, std::string help, Type type,
                                       std::vector<std::string> labels,
                                       const std::vector<double>* bounds) {
  std::lock_guard lock(mutex_);
  for (auto& f : families_)
    if (f->name == name) {
      if (f->labels != labels) throw std::logic_error("metric " + name + ": other labels");
      return *f;
    }
  std::unique_ptr<FamilyBase> f;
  if (type == Type::counter)
    f = std::make_unique<Family<Counter>>();
  else if (type == Type::gauge)
    f = std::make_unique<Family<Gauge>>();
  else
    f = std::make_unique<Family<Histogram>>();
  f->name = std::move(name);
  f->help = std::move(help);
  f->type = type;
  f->labels = std::move(labels);
  f->bounds = bounds;
  families_.push_back(std::move(f));
  return *families_.back();
}

Family<Counter>& Registry::counter(std::string name, std::string help,
                                   std::vector<std::string> labels) {
  return *as<Counter>(
      family(std::move(name), std::move(help), Type::counter, std::move(labels), nullptr),
      Type::counter);
}

Family<Gauge>& Registry::gauge(std::string name, std::string help,
                               std::vector<std::string> labels) {
  return *as<Gauge>(
      family(std::move(name), std::move(help), Type::gauge, std::move(labels), nullptr),
      Type::gauge);
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<std::string> labels,
                                       const std::vector<double>& bounds) {
  return *as<Histogram>(
      family(std::move(name), std::move(help), Type::histogram, std::move(labels), &bounds),
      Type::histogram);
}

std::uint64_t Registry::collector(std::string name, std::string help, Type type,
                                  std::vector<std::string> labels, Collect collect) {
  auto f = std::make_unique<CollectorFamily>();
  f->name = std::move(name);
  f->help = std::move(help);
  f->type = type;
  f->labels = std::move(labels);
  f->collect = std::move(collect);
  std::lock_guard lock(mutex_);
  for (const auto& g : families_)
    if (g->name == f->name) throw std::logic_error("metric " + f->name + ": registered twice");
  f->collector_id = next_collector_++;
  const auto id = f->collector_id;
  families_.push_back(std::move(f));
  return id;
}

void Registry::remove_collector(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::erase_if(families_, [id](const auto& f) { return f->collector_id == id; });
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& f : families_)
    f->render(out);
  return out;
}

Registry& registry() {
  static Registry r;
  return r;
}

namespace {
std::atomic<bool> g_enabled{true};
}
bool enabled() {
  return g_enabled.load(std::memory_order_relaxed);
}
void set_enabled(bool on) {
  g_enabled.store(on, std::memory_order_relaxed);
}

}  // namespace mcpgw::metrics
