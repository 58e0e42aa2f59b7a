#include "protocol/message.h"

#include <boost/json.hpp>
#include <cmath>

#include "common/json_numbers.h"
#include "common/json_parse.h"

namespace mcpgw::jsonrpc {
namespace {

bool valid_id(const json::value& id) {
  // MCP: a string or an integer; never null, never a fraction.
  return id.is_string() || id.is_int64() || id.is_uint64();
}

}  // namespace

std::optional<Message> to_message(const json::value& v, Error& why, json::value& id_if_any) {
  id_if_any = nullptr;
  if (!v.is_object()) {
    why = {kInvalidRequest, "Invalid Request: a message must be a JSON object", {}};
    return std::nullopt;
  }
  const auto& o = v.get_object();
  if (auto it = o.find("id"); it != o.end() && valid_id(it->value())) id_if_any = it->value();
  auto jv = o.find("jsonrpc");
  if (jv == o.end() || !jv->value().is_string() || jv->value().get_string() != "2.0") {
    why = {kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"", {}};
    return std::nullopt;
  }
  Message m;
  const auto id = o.find("id");
  const auto method = o.find("method");
  if (method != o.end()) {
    if (!method->value().is_string()) {
      why = {kInvalidRequest, "Invalid Request: \"method\" must be a string", {}};
      return std::nullopt;
    }
    m.method = method->value().get_string();
    if (auto p = o.find("params"); p != o.end()) {
      if (!p->value().is_object() && !p->value().is_array()) {
        why = {kInvalidRequest, "Invalid Request: \"params\" must be an object or an array", {}};
        return std::nullopt;
      }
      m.params = p->value();
    }
    if (id == o.end()) {
      m.kind = Message::Kind::notification;
      return m;
    }
    if (!valid_id(id->value())) {
      why = {kInvalidRequest, "Invalid Request: \"id\" must be a string or an integer", {}};
      return std::nullopt;
    }
    m.kind = Message::Kind::request;
    m.id = id->value();
    return m;
  }
  // A response from the peer (to a request the server sent).
  const auto result = o.find("result");
  const auto error = o.find("error");
  if (id == o.end() || (result == o.end()) == (error == o.end())) {
    why = {
        kInvalidRequest, "Invalid Request: neither a request, a notification nor a response", {}};
    return std::nullopt;
  }
  if (!valid_id(id->value())) {
    why = {kInvalidRequest, "Invalid Request: \"id\" must be a string or an integer", {}};
    return std::nullopt;
  }
  m.kind = Message::Kind::response;
  m.id = id->value();
  if (result != o.end()) {
    m.result = result->value();
  } else {
    const auto& e = error->value();
    if (!e.is_object() || !e.get_object().contains("code") ||
        !e.get_object().at("code").is_int64()) {
      why = {kInvalidRequest, "Invalid Request: \"error\" must have an integer \"code\"", {}};
      return std::nullopt;
    }
    Error err;
    err.code = static_cast<int>(e.get_object().at("code").get_int64());
    if (auto msg = e.get_object().find("message");
        msg != e.get_object().end() && msg->value().is_string())
      err.message = msg->value().get_string();
    if (auto d = e.get_object().find("data"); d != e.get_object().end()) err.data = d->value();
    m.error = std::move(err);
  }
  return m;
}

Parsed parse(std::string_view body, const Limits& limits) {
  Parsed out;
  json::parse_options opts;
  opts.max_depth = limits.max_depth;
  boost::system::error_code ec;
  json::value v = parse_json(body, ec, opts);
  // 1e400 parses as infinity, which mcpgw could not write back as JSON (common/json_numbers.h).
  if (!ec && !finite_numbers(v)) ec = json::error::exponent_overflow;
  if (ec) {
    out.failure = Error{kParseError, "Parse error: " + ec.message(), {}};
    return out;
  }
  if (v.is_array()) {
    out.batch = true;
    const auto& arr = v.get_array();
    if (arr.empty()) {
      out.failure = Error{kInvalidRequest, "Invalid Request: empty batch", {}};
      return out;
    }
    if (arr.size() > limits.max_batch) {
      out.failure = Error{kInvalidRequest,
                          "Invalid Request: batch larger than " + std::to_string(limits.max_batch),
                          {}};
      return out;
    }
    for (const auto& item : arr) {
      Error why;
      json::value id;
      if (auto m = to_message(item, why, id))
        out.messages.push_back(std::move(*m));
      else
        out.invalid.push_back({std::move(id), std::move(why)});
    }
    return out;
  }
  Error why;
  json::value id;
  if (auto m = to_message(v, why, id)) {
    out.messages.push_back(std::move(*m));
  } else {
    out.failure = std::move(why);
    out.failure_id = std::move(id);
  }
  return out;
}

json::object response(const json::value& id, json::value result) {
  return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

std::string response_text(const json::value& id, std::string_view result_json) {
  std::string out = R"({"jsonrpc":"2.0","id":)";
  out += json::serialize(id);
  out += R"(,"result":)";
  out += result_json;
  out += '}';
  return out;
}

json::object error_response(const json::value& id, const Error& error) {
  json::object e{{"code", error.code}, {"message", error.message}};
  if (error.data) e["data"] = *error.data;
  return json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(e)}};
}

json::object notification(std::string_view method, json::value params) {
  json::object o{{"jsonrpc", "2.0"}, {"method", method}};
  if (!params.is_null()) o["params"] = std::move(params);
  return o;
}

json::object request(const json::value& id, std::string_view method, json::value params) {
  json::object o{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) o["params"] = std::move(params);
  return o;
}

}  // namespace mcpgw::jsonrpc
