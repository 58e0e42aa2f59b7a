// An upstream's text/event-stream body (gateway/sse_parser.h), as it arrives: in pieces of any
// size. The first byte says where to cut (a seed for the cut points), the rest is the stream.
//
// Invariants: the events, the last event id and the retry hint are the same however the bytes
// are cut (whole, one byte at a time, and at fuzz-chosen points); an event id holds no NUL; fed
// a byte at a time under a small bound, no event over the bound goes out unreported.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "gateway/sse_parser.h"

using mcpgw::gateway::SseEvent;
using mcpgw::gateway::SseParser;

namespace {

struct Seen {
  std::vector<SseEvent> events;
  std::string last_id;
  std::optional<long> retry;
  bool within_bound = true;
};

bool same_event(const SseEvent& a, const SseEvent& b) {
  return a.type == b.type && a.data == b.data && a.id == b.id;
}

template <typename Cut>
Seen run(std::string_view stream, std::size_t bound, Cut next_piece) {
  SseParser parser(bound);
  Seen out;
  for (std::size_t at = 0; at < stream.size();) {
    const std::size_t n = std::min(next_piece(), stream.size() - at);
    const bool ok =
        parser.feed(stream.substr(at, n), [&](SseEvent& e) { out.events.push_back(e); });
    out.within_bound = ok && out.within_bound;
    at += n;
  }
  out.last_id = parser.last_event_id();
  out.retry = parser.retry_ms();
  return out;
}

void check_same(const Seen& a, const Seen& b) {
  FUZZ_CHECK(a.events.size() == b.events.size());
  for (std::size_t i = 0; i < a.events.size(); ++i)
    FUZZ_CHECK(same_event(a.events[i], b.events[i]));
  FUZZ_CHECK(a.last_id == b.last_id);
  FUZZ_CHECK(a.retry == b.retry);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  mcpgw::fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::uint32_t seed = data[0] * 2654435761u + 1;
  const std::string_view stream = mcpgw::fuzz::as_text(data + 1, size - 1);
  constexpr std::size_t kBound = 16 * 1024 * 1024;  // the default: never reached here

  const Seen whole = run(stream, kBound, [&] { return stream.size() + 1; });
  const Seen bytes = run(stream, kBound, [] { return std::size_t{1}; });
  const Seen cut = run(stream, kBound, [&] {
    seed = seed * 1103515245u + 12345u;
    return std::size_t{1} + (seed >> 16) % 7;  // pieces of 1..7 bytes: CR | LF and BOM splits
  });
  check_same(whole, bytes);
  check_same(whole, cut);
  FUZZ_CHECK(whole.within_bound && bytes.within_bound && cut.within_bound);
  for (const auto& e : whole.events)
    if (e.id) FUZZ_CHECK(e.id->find('\0') == std::string::npos);

  // A small bound, fed a byte at a time: a stream that never reports an excess dispatched no
  // event over the bound, and ends as it ends when fed whole.
  const std::size_t small = 1 + data[0] % 64;
  const Seen tight_bytes = run(stream, small, [] { return std::size_t{1}; });
  if (tight_bytes.within_bound) {
    for (const auto& e : tight_bytes.events)
      FUZZ_CHECK(e.data.size() <= small);
    FUZZ_CHECK(run(stream, small, [&] { return stream.size() + 1; }).within_bound);
  }
  return 0;
}
