#pragma once
// What every harness of tests/fuzz shares: quiet logs, a deterministic OpenSSL RNG (so that a
// crash found by a run replays alone: keys, nonces and ids come out the same every time), and
// FUZZ_CHECK, an invariant that aborts with its text (libFuzzer keeps the input as a crash).
#include <spdlog/spdlog.h>

#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#define FUZZ_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::mcpgw::fuzz::fail(#cond, __FILE__, __LINE__))

namespace mcpgw::fuzz {

[[noreturn]] inline void fail(const char* what, const char* file, int line) {
  std::fprintf(stderr, "\nfuzz invariant failed: %s\n  at %s:%d\n", what, file, line);
  std::abort();
}

namespace detail {
inline std::uint64_t rng_state = 0;
inline int rng_bytes(unsigned char* out, int n) {
  for (int i = 0; i < n; ++i) {
    // splitmix64: not random, only different from call to call.
    std::uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    out[i] = static_cast<unsigned char>(z ^ (z >> 31));
  }
  return 1;
}
inline int rng_status() {
  return 1;
}
inline const RAND_METHOD kFixedRand = {nullptr, rng_bytes, nullptr, nullptr, rng_bytes, rng_status};
}  // namespace detail

// Every call of crypto::random_bytes (OpenSSL RAND_bytes) from now on comes from a fixed
// sequence; reset_randomness() starts it again, so each input sees the same bytes.
inline void fixed_randomness() {
  // Deprecated in OpenSSL 3 (providers replace it), and still the one hook RAND_bytes honours.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wdeprecated-declarations"
  RAND_set_rand_method(&detail::kFixedRand);
#pragma clang diagnostic pop
  detail::rng_state = 0;
}
inline void reset_randomness() {
  detail::rng_state = 0;
}

// Once per process, from LLVMFuzzerInitialize: no log output (it would dominate the run time).
inline void quiet() {
  spdlog::set_level(spdlog::level::off);
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The text up to the next NUL byte of rest (all of it when there is none); rest keeps what
// follows the NUL. Harnesses whose input is several fields separate them with NUL bytes.
inline std::string_view next_part(std::string_view& rest) {
  const auto nul = rest.find('\0');
  const std::string_view part = rest.substr(0, nul);
  rest.remove_prefix(nul == std::string_view::npos ? rest.size() : nul + 1);
  return part;
}

// "name<sep>value" lines of text as pairs, in order; lines without sep are skipped.
inline std::vector<std::pair<std::string, std::string>> pairs_of_lines(std::string_view text,
                                                                       char sep) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const auto at = line.find(sep);
    if (at != std::string_view::npos)
      out.emplace_back(std::string(line.substr(0, at)), std::string(line.substr(at + 1)));
  }
  return out;
}

// Valid UTF-8 (what a JSON text must be, RFC 8259 §8.1): no overlong forms, no surrogates.
inline bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if ((c >> 5) == 0x6) {
      n = 1, cp = c & 0x1f;
    } else if ((c >> 4) == 0xe) {
      n = 2, cp = c & 0x0f;
    } else if ((c >> 3) == 0x1e) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d >> 6) != 0x2) return false;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += n + 1;
  }
  return true;
}

}  // namespace mcpgw::fuzz
