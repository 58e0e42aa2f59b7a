#include "http/message.h"

#include <boost/json.hpp>

namespace mcpgw::http {

Response json_response(Status status, const boost::json::value& body) {
  return json_text_response(status, boost::json::serialize(body));
}

Response json_text_response(Status status, std::string body) {
  Response res{status, 11};
  res.set(boost::beast::http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response error_response(Status status, std::string_view error, std::string_view detail) {
  return json_response(status, boost::json::object{{"error", error}, {"detail", detail}});
}

}  // namespace mcpgw::http
