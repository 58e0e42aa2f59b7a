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

// A modern upstream's refusal of how mcpgw sent a request (-32020: its headers; -32022: its
// revision), as the failure it is: both concern mcpgw's hop to the upstream, so relaying the
// error as it came would tell the client that mcpgw refused the client's request. nullopt for
// any other error, -32021 among them: the capabilities mcpgw declares upstream are the client's,
// so that refusal is the client's to hear (and to act on: declare, retry).
std::optional<UpstreamError> hop_refusal(const jsonrpc::Error& e);

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
  std::optional<std::chrono::milliseconds> timeout;          // instead of the endpoint's
  bool retry_safe = false;                                   // repeating it upstream is harmless
  std::vector<std::pair<std::string, std::string>> headers;  // sent besides the usual ones
  // Out:
  std::string session_id;    // the Mcp-Session-Id the upstream answered with
  std::string sent_session;  // the one this exchange carried
  bool session_lost = false;
};

}  // namespace mcpgw::gateway
