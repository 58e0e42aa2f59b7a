#include "admin/validation.h"

#include <boost/json.hpp>

#include "common/json_numbers.h"
#include "common/json_parse.h"

namespace mcpgw::admin {
namespace json = boost::json;

http::Response FieldErrors::to_response() const {
  json::array fields;
  for (const auto& e : errors_)
    fields.push_back(json::object{{"field", e.field}, {"message", e.message}});
  std::string detail =
      errors_.empty() ? "" : errors_.front().field + ": " + errors_.front().message;
  return http::json_response(
      http::Status::unprocessable_entity,
      json::object{
          {"error", "validation_failed"}, {"detail", detail}, {"fields", std::move(fields)}});
}

JsonBody parse_json_object_body(const http::Request& req) {
  auto ct = req[boost::beast::http::field::content_type];
  const auto semi = ct.find(';');
  std::string_view media = ct.substr(0, semi);
  while (!media.empty() && media.back() == ' ')
    media.remove_suffix(1);
  if (!boost::beast::iequals(media, "application/json"))
    return {std::nullopt,
            http::error_response(http::Status::unsupported_media_type, "unsupported_media_type",
                                 "Content-Type must be application/json")};
  json::parse_options opts;
  opts.max_depth = 64;
  boost::system::error_code ec;
  json::value v = parse_json(req.body(), ec, opts);
  if (!ec && !finite_numbers(v)) ec = boost::json::error::exponent_overflow;
  if (ec)
    return {std::nullopt, http::error_response(http::Status::bad_request, "bad_request",
                                               "request body is not valid JSON: " + ec.message())};
  if (!v.is_object())
    return {std::nullopt, http::error_response(http::Status::bad_request, "bad_request",
                                               "request body must be a JSON object")};
  return {std::move(v), std::nullopt};
}

}  // namespace mcpgw::admin
