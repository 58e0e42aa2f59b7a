#include "observability/access_log.h"

#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

namespace mcpgw::observability {
namespace {
std::string json_quoted(std::string_view s) {
  return boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}
}  // namespace

void AccessLog::write(const AccessRecord& r) const {
  if (!json_) {
    logger_->info("{} {} {} {} {}us rid={} sub={} peer={}", r.method, r.path, r.status, r.bytes,
                  r.duration_us, r.request_id, r.subject.empty() ? "-" : r.subject, r.peer);
    return;
  }
  // The JSON formatter of the "access" logger takes this payload as ready-made fields.
  logger_->info(
      R"("method":{},"path":{},"status":{},"bytes":{},"duration_us":{},"request_id":{},"subject":{},"peer":{})",
      json_quoted(r.method), json_quoted(r.path), r.status, r.bytes, r.duration_us,
      json_quoted(r.request_id), r.subject.empty() ? "null" : json_quoted(r.subject),
      json_quoted(r.peer));
}

}  // namespace mcpgw::observability
