#include "gateway/sse_parser.h"

#include <catch2/catch.hpp>
#include <vector>

using mcpgw::gateway::SseEvent;
using mcpgw::gateway::SseParser;

namespace {
std::vector<SseEvent> feed_in_pieces(SseParser& p, std::string_view text, std::size_t piece) {
  std::vector<SseEvent> out;
  for (std::size_t i = 0; i < text.size(); i += piece)
    REQUIRE(p.feed(text.substr(i, piece), [&](SseEvent& e) { out.push_back(e); }));
  return out;
}
}  // namespace

TEST_CASE("SSE events come out whole whatever the chunking", "[gateway][sse]") {
  const std::string text =
      "\xEF\xBB\xBF: keepalive\r\n\r\n"
      "id: s.1.0\nretry: 1000\ndata: \n\n"
      "event: message\r\nid: s.1.1\r\ndata: {\"a\":1}\r\n\r\n"
      "data: line one\rdata:line two\r\r"
      "data: {\"b\":\n\n";
  for (std::size_t piece : {1u, 2u, 3u, 7u, 1000u}) {
    INFO("piece " << piece);
    SseParser p;
    auto events = feed_in_pieces(p, text, piece);
    REQUIRE(events.size() == 4);
    CHECK(events[0].data.empty());  // the priming event has an empty data line
    CHECK(events[0].id == "s.1.0");
    CHECK(events[1].data == "{\"a\":1}");
    CHECK(events[1].id == "s.1.1");
    CHECK(events[1].type == "message");
    CHECK(events[2].data == "line one\nline two");
    CHECK(!events[2].id);
    CHECK(events[3].data == "{\"b\":");
    CHECK(p.last_event_id() == "s.1.1");
    CHECK(p.retry_ms() == 1000);
  }
}

TEST_CASE("SSE: an id-only event moves the resume cursor without dispatching", "[gateway][sse]") {
  SseParser p;
  int n = 0;
  REQUIRE(p.feed("id: 42\n\n", [&](SseEvent&) { ++n; }));
  CHECK(n == 0);
  CHECK(p.last_event_id() == "42");
}

TEST_CASE("SSE: an event larger than the bound is refused", "[gateway][sse]") {
  SseParser p(16);
  CHECK(!p.feed("data: 0123456789abcdefghij", [](SseEvent&) {}));
}
