#pragma once
// Inside UpstreamSession (no other user): one HTTP exchange carrying one message, made in
// upstream_exchange.cpp (the request, the reply read as JSON or SSE, what it came to) and used by
// upstream_session.cpp.
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/upstream_session.h"
#include "protocol/names.h"

namespace mcpgw::gateway {

inline constexpr std::string_view kSessionHeader = protocol::header::kSessionId;

// The JSON-RPC text of a request (id not null) or a notification; params is JSON text, "" for
// none.
std::string message_text(const boost::json::value& id, std::string_view method,
                         std::string_view params);

// One HTTP exchange carrying one message.
struct UpstreamSession::Exchange {
  std::string http_method = "POST";
  std::string body;
  boost::json::value id;  // the request whose response ends the exchange; null for none
  OnMessage on_message;
  std::shared_ptr<Abort> abort;
  bool with_session = true;
  std::string last_event_id;     // GET: resume after this event. Out: the last event id seen
  std::optional<long> retry_ms;  // out: the upstream's SSE retry field
  unsigned status = 0;           // out: the HTTP status (0: none)
  bool broke_off = false;        // out: its SSE stream ended or broke before the response
  std::function<std::chrono::milliseconds()> stream_wait;
  std::optional<std::chrono::milliseconds> timeout;  // instead of the endpoint's
  bool retry_safe = false;                           // repeating it upstream is harmless
  std::vector<std::pair<std::string, std::string>> headers;  // sent besides the usual ones
  // Out:
  std::string session_id;    // the Mcp-Session-Id the upstream answered with
  std::string sent_session;  // the one this exchange carried
  bool session_lost = false;
};

}  // namespace mcpgw::gateway
