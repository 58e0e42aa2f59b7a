#pragma once
// One line per HTTP request. In text format:
//   GET /health 200 15 120us rid=... sub=- peer=127.0.0.1:5555
// In JSON format the same facts are fields of the line's object:
//   {"ts":...,"level":"info","logger":"access","method":"GET","path":"/health","status":200,...}
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace spdlog {
class logger;
}

namespace mcpgw::observability {

struct AccessRecord {
  std::string_view method;
  std::string_view path;  // without the query: a careless client may put a secret there
  unsigned status = 0;
  std::size_t bytes = 0;
  std::int64_t duration_us = 0;
  std::string_view request_id;
  std::string_view subject;  // empty when unauthenticated
  std::string_view peer;
};

class AccessLog {
 public:
  AccessLog(std::shared_ptr<spdlog::logger> logger, bool json)
      : logger_(std::move(logger)), json_(json) {}
  void write(const AccessRecord& r) const;

 private:
  std::shared_ptr<spdlog::logger> logger_;
  bool json_;
};

}  // namespace mcpgw::observability
