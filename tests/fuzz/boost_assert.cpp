// BOOST_ASSERT in the fuzz build: the preset keeps assertions on (no NDEBUG), and
// BOOST_ENABLE_ASSERT_HANDLER (../../CMakeLists.txt, MCPGW_FUZZ) sends a failed one here, to be a
// crash like any other, except the assertions known to be wrong, listed below.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

// Beast 1.81 asserts n >= 5 in basic_parser::parse_chunk_header when the final chunk is parsed
// again after need_more, but 3 or 4 bytes ("0\r\n" as the first chunk, then part of the trailer)
// are valid there and the code after the assertion handles them: boostorg/beast#2861 corrected
// the assertion. Release builds (NDEBUG) never see it.
bool known_wrong(std::string_view expr, std::string_view file) {
  return expr == "n >= 5" && file.ends_with("beast/http/impl/basic_parser.ipp");
}

}  // namespace

namespace boost {

void assertion_failed(char const* expr, char const* function, char const* file, long line) {
  if (known_wrong(expr, file)) return;
  std::fprintf(stderr, "\nBoost assertion failed: %s\n  in %s\n  at %s:%ld\n", expr, function, file,
               line);
  std::abort();
}

void assertion_failed_msg(char const* expr, char const* msg, char const* function, char const* file,
                          long line) {
  if (known_wrong(expr, file)) return;
  std::fprintf(stderr, "\nBoost assertion failed: %s (%s)\n  in %s\n  at %s:%ld\n", expr, msg,
               function, file, line);
  std::abort();
}

}  // namespace boost
