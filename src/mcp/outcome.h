#pragma once
// The outcome of one JSON-RPC request, whichever side answered it: a handler's answer to a
// client's request, or a client's answer to a server-to-client request (sampling, elicitation,
// roots). A result (as a value, or as JSON text already serialized) or an error.
#include <boost/json/value.hpp>
#include <optional>
#include <string>

#include "protocol/message.h"

namespace mcpgw::mcp {

namespace json = boost::json;

struct Outcome {
  json::value result;
  std::optional<jsonrpc::Error> error;
  std::string raw;  // when not empty: the result, serialized (used instead of `result`)

  static Outcome ok(json::value v) { return {std::move(v), std::nullopt, {}}; }
  static Outcome ok_json(std::string serialized) {
    return {nullptr, std::nullopt, std::move(serialized)};
  }
  static Outcome fail(int code, std::string message) {
    return {nullptr, jsonrpc::Error{code, std::move(message), {}}, {}};
  }
  static Outcome fail(jsonrpc::Error error) { return {nullptr, std::move(error), {}}; }
};

}  // namespace mcpgw::mcp
