#pragma once
// Readers for the fields of admin request bodies. Each records a FieldError naming the field
// when the value is wrong, so that one 422 lists every problem of a request.
#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "admin/validation.h"

namespace mcpgw::admin {

// Every member of body not in known is an error "unknown field".
void unknown_fields(const boost::json::object& body, std::initializer_list<std::string_view> known,
                    FieldErrors& errors);

// Absent or null: nullopt. A string of at most max characters: its value. Else an error.
std::optional<std::string> opt_string(const boost::json::object& body, std::string_view field,
                                      FieldErrors& errors, std::size_t max = 4096);
std::optional<boost::json::object> opt_object(const boost::json::object& body,
                                              std::string_view field, FieldErrors& errors);
std::optional<bool> opt_bool(const boost::json::object& body, std::string_view field,
                             FieldErrors& errors);

// tags: up to 32 distinct strings of 1 to 64 characters of A-Z a-z 0-9 _ . : -
bool valid_tag(std::string_view tag);
std::vector<std::string> read_tags(const boost::json::object& body, FieldErrors& errors);

// A header field that can go on the wire as it is (see fields.cpp).
bool valid_header(std::string_view name, std::string_view value);

// auth_type and credentials (tools and gateways): none; bearer {token}; basic {username,
// password}; headers {headers: {...}}. credentials is what to seal and store ({"type": auth_type,
// ...}); unset with an auth_type other than none when keep allows the stored ones to stand.
struct CredentialsInput {
  std::string auth_type = "none";
  std::optional<boost::json::object> credentials;
};
CredentialsInput read_credentials(const boost::json::object& body, FieldErrors& errors, bool keep);

// PUT and PATCH bodies may carry the read-only members of what GET returned (so that a client
// can send back what it read): each is dropped from body when equal to stored, else an error
// "is read-only".
void drop_read_only(boost::json::object& body, const boost::json::object& stored,
                    std::span<const std::string_view> read_only, FieldErrors& errors);

// JSON Merge Patch (RFC 7386): members of patch replace those of target, null removes one, and
// objects merge recursively.
void merge_patch(boost::json::object& target, const boost::json::object& patch);

}  // namespace mcpgw::admin
