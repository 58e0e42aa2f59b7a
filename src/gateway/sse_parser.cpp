#include "gateway/sse_parser.h"

#include <charconv>

namespace mcpgw::gateway {

bool SseParser::feed(std::string_view bytes, const std::function<void(SseEvent&)>& on_event) {
  if (!bom_checked_) {
    pending_.append(bytes);
    if (pending_.size() < 3 &&
        std::string_view("\xEF\xBB\xBF").substr(0, pending_.size()) == std::string_view(pending_))
      return true;  // could still be a BOM
    bom_checked_ = true;
    if (pending_.rfind("\xEF\xBB\xBF", 0) == 0) pending_.erase(0, 3);
    std::string first;
    first.swap(pending_);
    return feed(first, on_event);
  }
  std::size_t start = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (c != '\r' && c != '\n') continue;
    if (c == '\n' && after_cr_ && i == start && pending_.empty()) {
      // The LF of a CRLF whose CR ended the previous line.
      after_cr_ = false;
      start = i + 1;
      continue;
    }
    after_cr_ = c == '\r';
    if (pending_.empty()) {
      line(bytes.substr(start, i - start), on_event);
    } else {
      pending_.append(bytes.substr(start, i - start));
      std::string l;
      l.swap(pending_);
      line(l, on_event);
    }
    start = i + 1;
  }
  if (start < bytes.size()) {
    after_cr_ = false;
    pending_.append(bytes.substr(start));
  }
  return pending_.size() + event_.data.size() <= max_event_bytes_;
}

void SseParser::line(std::string_view l, const std::function<void(SseEvent&)>& on_event) {
  if (l.empty()) {
    if (has_data_) {
      if (event_.id) last_id_ = *event_.id;
      on_event(event_);
    } else if (event_.id) {
      last_id_ = *event_.id;  // an id-only event (a priming event) still moves the cursor
    }
    event_ = SseEvent{};
    has_data_ = false;
    return;
  }
  if (l.front() == ':') return;  // comment (keepalive)
  const auto colon = l.find(':');
  std::string_view field = l.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : l.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_data_) event_.data += '\n';
    event_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    event_.type = std::string(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) event_.id = std::string(value);
  } else if (field == "retry") {
    long ms = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (ec == std::errc() && p == value.data() + value.size()) retry_ = ms;
  }
}

}  // namespace mcpgw::gateway
