// The params of every method mcpgw answers, parsed before its handler runs
// (mcp/methods/params.h), from a client's JSON params object.
//
// Invariants: each parse is total and gives a reason or a value that holds what its handler
// relies on (pointers set and pointing into the params, a client name, a known log level, at
// most kMaxResourceSubscriptions URIs).
#include <boost/json.hpp>
#include <cstdint>

#include "common/json_parse.h"
#include "fuzz_support.h"
#include "mcp/methods/params.h"
#include "protocol/log_levels.h"

namespace json = boost::json;
using namespace mcpgw;

namespace {

template <typename P>
std::optional<P> parsed(const json::object& o) {
  P p;
  const std::optional<std::string> why = P::parse(o, p);
  if (why) {
    FUZZ_CHECK(!why->empty());
    return std::nullopt;
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 64;  // as jsonrpc::parse reads a body
  const json::value v = mcpgw::parse_json(fuzz::as_text(data, size), ec, opts);
  if (ec || !v.is_object()) return 0;
  const json::object& o = v.get_object();

  static_cast<void>(parsed<mcp::NoParams>(o));
  if (auto p = parsed<mcp::InitializeParams>(o)) {
    FUZZ_CHECK(p->capabilities && p->client_info && p->client_info->contains("name"));
    FUZZ_CHECK(p->protocol_version == o.at("protocolVersion").as_string());
  }
  if (auto p = parsed<mcp::ListParams>(o)) {
    if (p->after) FUZZ_CHECK(mcp::encode_cursor(*p->after) == o.at("cursor").as_string());
  }
  if (auto p = parsed<mcp::CallToolParams>(o)) {
    FUZZ_CHECK(p->arguments && p->raw == &o);
    FUZZ_CHECK(p->name == o.at("name").as_string());
  }
  if (auto p = parsed<mcp::UriParams>(o))
    FUZZ_CHECK(p->raw == &o && o.at("uri").as_string() == p->uri);
  if (auto p = parsed<mcp::GetPromptParams>(o)) FUZZ_CHECK(p->raw == &o);
  if (auto p = parsed<mcp::CompleteParams>(o)) {
    const auto& ref = o.at("ref").as_object();
    FUZZ_CHECK(ref.at(p->key_field()).as_string() == p->key);
  }
  if (auto p = parsed<mcp::ListenParams>(o))
    FUZZ_CHECK(p->resource_uris.size() <= mcp::ListenParams::kMaxResourceSubscriptions);
  if (auto p = parsed<mcp::SetLevelParams>(o)) FUZZ_CHECK(protocol::log_level_rank(p->level) >= 0);
  return 0;
}
