#pragma once
// JSON-RPC 2.0 messages as MCP uses them. Ids are kept as the JSON value the peer sent, so that
// "1" is echoed as a string and 1 as a number, never converted.
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcpgw::jsonrpc {

namespace json = boost::json;

enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
};

struct Error {
  int code = kInternalError;
  std::string message;
  std::optional<json::value> data;
};

struct Message {
  enum class Kind { request, notification, response };
  Kind kind = Kind::request;
  json::value id;              // request/response: a string or an integer; null otherwise
  std::string method;          // request/notification
  json::value params;          // request/notification: an object, an array, or null when absent
  json::value result;          // response: the result (null when error is set)
  std::optional<Error> error;  // response: an error response
};

// One body, parsed. A body that is not JSON, or whose single message is malformed, gives
// `failure` (send it with id `failure_id` and HTTP 400). A batch gives one entry per element;
// malformed elements become `invalid` entries answered with their own error.
struct Parsed {
  bool batch = false;
  std::vector<Message> messages;
  struct Invalid {
    json::value id;  // null when none could be read
    Error error;
  };
  std::vector<Invalid> invalid;
  std::optional<Error> failure;
  json::value failure_id;
};

struct Limits {
  std::size_t max_depth = 64;
  std::size_t max_batch = 100;
};

Parsed parse(std::string_view body, const Limits& limits = {});

// Checks one decoded JSON value as a message.
std::optional<Message> to_message(const json::value& v, Error& why, json::value& id_if_any);

json::object response(const json::value& id, json::value result);
// The same response as text, around a result that is already serialized JSON.
std::string response_text(const json::value& id, std::string_view result_json);
json::object error_response(const json::value& id, const Error& error);
json::object notification(std::string_view method, json::value params);
json::object request(const json::value& id, std::string_view method, json::value params);

}  // namespace mcpgw::jsonrpc
