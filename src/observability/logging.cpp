#include "observability/logging.h"

#include <spdlog/async.h>
#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>
#include <chrono>
#include <ctime>

namespace mcpgw::observability {
namespace {

std::string json_quoted(std::string_view s) {
  return boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

// {"ts":"2026-11-21T10:00:00.123Z","level":"info","logger":"mcpgw","msg":"..."} per line. With
// fields_payload (the access log), the payload already is JSON object members and is spliced in
// instead of a "msg" string.
class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(bool fields_payload) : fields_payload_(fields_payload) {}

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
    line += json_quoted({msg.logger_name.data(), msg.logger_name.size()});
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (fields_payload_) {
      line += ',';
      line += payload;
    } else {
      line += ",\"msg\":";
      line += json_quoted(payload);
    }
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>(fields_payload_);
  }

 private:
  bool fields_payload_;
};

}  // namespace

void init_logging(const config::LoggingConfig& cfg) {
  const auto level = spdlog::level::from_str(cfg.level);
  if (level == spdlog::level::off && cfg.level != "off")
    throw std::runtime_error("unknown logging.level " + cfg.level);
  spdlog::drop_all();
  if (!spdlog::thread_pool()) spdlog::init_thread_pool(8192, 1);
  const bool json = cfg.format == config::LogFormat::json;
  // One stderr sink per logger, each with its formatter. All writes happen on the single logging
  // thread, so lines never interleave.
  for (const char* name : {"mcpgw", "access"}) {
    const bool access = std::string_view(name) == "access";
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    if (json)
      sink->set_formatter(std::make_unique<JsonFormatter>(access));
    else
      sink->set_formatter(std::make_unique<spdlog::pattern_formatter>(
          "%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%n] %v", spdlog::pattern_time_type::utc));
    auto logger = std::make_shared<spdlog::async_logger>(name, sink, spdlog::thread_pool(),
                                                         spdlog::async_overflow_policy::block);
    logger->set_level(level);
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
    if (!access) spdlog::set_default_logger(logger);
  }
  spdlog::flush_every(std::chrono::seconds(1));
}

std::shared_ptr<AccessLog> make_access_log(const config::LoggingConfig& cfg) {
  if (!cfg.access_log) return nullptr;
  return std::make_shared<AccessLog>(spdlog::get("access"), cfg.format == config::LogFormat::json);
}

void shutdown_logging() {
  spdlog::shutdown();
}

}  // namespace mcpgw::observability
