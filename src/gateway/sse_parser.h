#pragma once
// Incremental parser of a text/event-stream body (the WHATWG EventSource rules): bytes arrive in
// arbitrary chunks; complete events come out. Lines end in CRLF, LF or CR; ':' starts a comment;
// several data lines join with '\n'; an event is dispatched at a blank line.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mcpgw::gateway {

struct SseEvent {
  std::string type = "message";  // the event field
  std::string data;
  std::optional<std::string> id;  // set when the event carried an id field
};

class SseParser {
 public:
  explicit SseParser(std::size_t max_event_bytes = 16 * 1024 * 1024)
      : max_event_bytes_(max_event_bytes) {}
  std::size_t max_event_bytes() const { return max_event_bytes_; }

  // Feeds bytes; calls on_event for each complete event that has data. False when an event grew
  // beyond the bound (the stream should be dropped).
  bool feed(std::string_view bytes, const std::function<void(SseEvent&)>& on_event);

  // The last event id seen (kept across events, as EventSource does), for Last-Event-ID.
  const std::string& last_event_id() const { return last_id_; }
  // The server's retry field, in milliseconds, when it sent one.
  std::optional<long> retry_ms() const { return retry_; }

 private:
  void line(std::string_view l, const std::function<void(SseEvent&)>& on_event);

  const std::size_t max_event_bytes_;
  std::string pending_;  // an incomplete line
  bool after_cr_ = false;
  bool bom_checked_ = false;
  bool has_data_ = false;
  SseEvent event_;
  std::string last_id_;
  std::optional<long> retry_;
};

}  // namespace mcpgw::gateway
