#pragma once
// Field-level validation errors for admin requests: 422 with which field and why.
#include <boost/json/fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/message.h"

namespace mcpgw::admin {

struct FieldError {
  std::string field;
  std::string message;
};

class FieldErrors {
 public:
  void add(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  bool empty() const { return errors_.empty(); }
  const std::vector<FieldError>& items() const { return errors_; }
  http::Response to_response() const;  // 422

 private:
  std::vector<FieldError> errors_;
};

// Parses a JSON object request body. On failure returns the response to send (415 for a wrong
// Content-Type, 400 for malformed JSON or a non-object).
struct JsonBody {
  std::optional<boost::json::value> value;  // an object when set
  std::optional<http::Response> error;
};
JsonBody parse_json_object_body(const http::Request& req);

}  // namespace mcpgw::admin
