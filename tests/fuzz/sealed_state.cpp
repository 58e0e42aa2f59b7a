// Sealed state a client hands back: an MRTR requestState (mcp/input_required.h, PendingCalls::find)
// and stored credentials (common/crypto.h open, with a fixed key), with base64 between them. The
// RNG is fixed (fuzz_support.h), so the key of PendingCalls and every nonce replay alike.
//
// The first byte picks what the rest is:
//   0: a requestState as a client sends it;
//   1: edits to a genuine requestState: (offset, xor) byte pairs applied to its sealed bytes;
//   2: "<subject>\0<server>\0<method>\0<item>": a state sealed for that request, then checked
//      against it and against other requests;
//   3: text sealed and opened under the credentials key, then altered at a fuzz-chosen byte.
//
// Invariants: nothing the client makes opens (a state opens only to what mcpgw sealed: same
// bytes); a genuine state opens for exactly the request it was sealed for, while unexpired; seal
// then open gives the text back, and any change to the sealed bytes, or another key, does not
// open; base64 decodes what it encoded.
#include <boost/json.hpp>
#include <cstdint>
#include <string>

#include "common/crypto.h"
#include "fuzz_support.h"
#include "mcp/input_required.h"

using namespace mcpgw;
using State = mcp::PendingCalls::State;

namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;
const std::string kKey(32, 'k');

struct World {
  mcp::PendingCalls calls{std::chrono::minutes(10)};
  std::shared_ptr<mcp::PendingCall> call = calls.start();
  State state{call->id(), "alice", "s1", "tools/call", "weather", kNow + 60'000};
  std::string sealed = calls.seal(state);
};

World& world() {
  static World w;
  return w;
}

// A refusal, unless text is the genuine state in another spelling of the same bytes.
void must_not_open(std::string_view text) {
  World& w = world();
  const auto found = w.calls.find(text, w.state, kNow);
  if (found.call) {
    FUZZ_CHECK(crypto::unbase64(text) == crypto::unbase64(w.sealed));
    FUZZ_CHECK(found.call == w.call);
  } else {
    FUZZ_CHECK(!found.refusal.empty());
  }
}

void edited(std::string_view edits) {
  World& w = world();
  std::string bytes = *crypto::unbase64(w.sealed);
  for (std::size_t i = 0; i + 1 < edits.size(); i += 2)
    bytes[static_cast<unsigned char>(edits[i]) % bytes.size()] ^= edits[i + 1];
  must_not_open(crypto::base64(bytes));
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, bytes.size() / 2})
    must_not_open(crypto::base64(bytes.substr(0, bytes.size() - cut - 1)));
}

void sealed_for(std::string_view rest) {
  World& w = world();
  State s{w.call->id(),
          std::string(fuzz::next_part(rest)),
          std::string(fuzz::next_part(rest)),
          std::string(fuzz::next_part(rest)),
          std::string(rest),
          kNow + 1000};
  // Subjects, servers, methods and items come from JSON text, so they are valid UTF-8.
  for (const auto* f : {&s.subject, &s.server, &s.method, &s.item})
    if (!fuzz::valid_utf8(*f)) return;
  const std::string text = w.calls.seal(s);
  FUZZ_CHECK(w.calls.find(text, s, kNow).call == w.call);
  FUZZ_CHECK(!w.calls.find(text, s, kNow + 1001).call);  // expired
  State other = s;
  other.item += "x";
  FUZZ_CHECK(!w.calls.find(text, other, kNow).call);
  other = s;
  other.subject += "x";
  FUZZ_CHECK(!w.calls.find(text, other, kNow).call);
}

void credentials(std::string_view rest) {
  if (rest.empty()) return;
  const std::size_t at = static_cast<unsigned char>(rest[0]);
  const std::string plain(rest.substr(1));
  const std::string sealed = crypto::seal(kKey, plain);
  FUZZ_CHECK(crypto::open(kKey, sealed) == plain);
  std::string altered = sealed;
  altered[at % altered.size()] ^= 0x01;
  FUZZ_CHECK(!crypto::open(kKey, altered));
  FUZZ_CHECK(!crypto::open(std::string(32, 'K'), sealed));
  FUZZ_CHECK(!crypto::open(kKey, sealed.substr(0, sealed.size() - 1)));
  FUZZ_CHECK(crypto::unbase64(crypto::base64(plain)) == plain);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  fuzz::fixed_randomness();
  static_cast<void>(world());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  fuzz::reset_randomness();
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      must_not_open(rest);
      FUZZ_CHECK(!crypto::open(kKey, rest));  // nothing was sealed with this key here
      if (const auto bytes = crypto::unbase64(rest)) {
        FUZZ_CHECK(crypto::base64(*bytes).size() == rest.size());
        FUZZ_CHECK(!crypto::open(kKey, *bytes));
      }
      break;
    case 1:
      edited(rest);
      break;
    case 2:
      sealed_for(rest);
      break;
    default:
      credentials(rest);
      break;
  }
  return 0;
}
