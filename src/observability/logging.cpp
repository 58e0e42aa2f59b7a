#include "observability/logging.h"

#include <spdlog/async.h>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <chrono>
#include <ctime>

namespace mcpgw::observability {
namespace {

// {"ts":"2026-11-21T10:00:00.123Z","level":"info","logger":"mcpgw","msg":"..."} per line.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    const auto t = system_clock::to_time_t(msg.time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[40];
    const auto ms = duration_cast<milliseconds>(msg.time.time_since_epoch()).count() % 1000;
    const auto n = std::strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string line = "{\"ts\":\"";
    line.append(ts, n);
    line += fmt::format(".{:03d}Z\",\"level\":\"", ms);
    const auto lv = spdlog::level::to_string_view(msg.level);
    line.append(lv.data(), lv.size());
    line += "\",\"logger\":";
    line += boost::json::serialize(
        boost::json::string_view(msg.logger_name.data(), msg.logger_name.size()));
    line += ",\"msg\":";
    line +=
        boost::json::serialize(boost::json::string_view(msg.payload.data(), msg.payload.size()));
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

void init_logging(const config::LoggingConfig& cfg) {
  const auto level = spdlog::level::from_str(cfg.level);
  if (level == spdlog::level::off && cfg.level != "off")
    throw std::runtime_error("unknown logging.level " + cfg.level);
  spdlog::drop_all();
  if (!spdlog::thread_pool()) spdlog::init_thread_pool(8192, 1);
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  if (cfg.format == config::LogFormat::json)
    sink->set_formatter(std::make_unique<JsonFormatter>());
  else
    sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc));
  for (const char* name : {"mcpgw", "access"}) {
    auto logger = std::make_shared<spdlog::async_logger>(name, sink, spdlog::thread_pool(),
                                                         spdlog::async_overflow_policy::block);
    logger->set_level(level);
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
    if (std::string_view(name) == "mcpgw") spdlog::set_default_logger(logger);
  }
  spdlog::flush_every(std::chrono::seconds(1));
}

void shutdown_logging() {
  spdlog::shutdown();
}

}  // namespace mcpgw::observability
