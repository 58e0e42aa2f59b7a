#include "admin/fields.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <set>

namespace mcpgw::admin {
namespace json = boost::json;

void unknown_fields(const json::object& body, std::initializer_list<std::string_view> known,
                    FieldErrors& errors) {
  for (const auto& kv : body)
    if (std::find(known.begin(), known.end(), kv.key()) == known.end())
      errors.add(kv.key(), "unknown field");
}

std::optional<std::string> opt_string(const json::object& b, std::string_view f, FieldErrors& e,
                                      std::size_t max) {
  auto it = b.find(f);
  if (it == b.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string() || it->value().get_string().size() > max) {
    e.add(std::string(f), "must be a string of at most " + std::to_string(max) + " characters");
    return std::nullopt;
  }
  return std::string(it->value().get_string());
}

std::optional<json::object> opt_object(const json::object& b, std::string_view f, FieldErrors& e) {
  auto it = b.find(f);
  if (it == b.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_object()) {
    e.add(std::string(f), "must be a JSON object");
    return std::nullopt;
  }
  return it->value().get_object();
}

std::optional<bool> opt_bool(const json::object& b, std::string_view f, FieldErrors& e) {
  auto it = b.find(f);
  if (it == b.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_bool()) {
    e.add(std::string(f), "must be true or false");
    return std::nullopt;
  }
  return it->value().get_bool();
}

bool valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 64) return false;
  return std::all_of(tag.begin(), tag.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
           c == '-';
  });
}

std::vector<std::string> read_tags(const json::object& b, FieldErrors& e) {
  std::vector<std::string> out;
  auto it = b.find("tags");
  if (it == b.end() || it->value().is_null()) return out;
  constexpr const char* kRule =
      "must be an array of up to 32 distinct tags, each 1 to 64 characters of A-Z, a-z, 0-9, "
      "'_', '.', ':' and '-'";
  if (!it->value().is_array() || it->value().get_array().size() > 32) {
    e.add("tags", kRule);
    return {};
  }
  std::set<std::string_view> seen;
  for (const auto& v : it->value().get_array()) {
    if (!v.is_string() || !valid_tag(v.get_string()) || !seen.insert(v.get_string()).second) {
      e.add("tags", kRule);
      return {};
    }
    out.emplace_back(v.get_string());
  }
  return out;
}

// A token name (RFC 9110) and a value without CR, LF or NUL, so that no admin input can add
// headers of its own to an upstream request.
bool valid_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
      return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void drop_read_only(json::object& body, const json::object& stored,
                    std::span<const std::string_view> read_only, FieldErrors& errors) {
  for (auto f : read_only) {
    auto it = body.find(f);
    if (it == body.end()) continue;
    auto s = stored.find(f);
    if (s == stored.end() || s->value() != it->value()) errors.add(std::string(f), "is read-only");
    body.erase(it);  // named once, here, not again as an unknown field
  }
}

void merge_patch(json::object& target, const json::object& patch) {
  for (const auto& kv : patch) {
    if (kv.value().is_null()) {
      target.erase(kv.key());
    } else if (kv.value().is_object()) {
      auto it = target.find(kv.key());
      if (it == target.end() || !it->value().is_object()) target[kv.key()] = json::object{};
      merge_patch(target[kv.key()].get_object(), kv.value().get_object());
    } else {
      target[kv.key()] = kv.value();
    }
  }
}

// auth_type and credentials: bearer {token}, basic {username, password}, headers {headers}.
CredentialsInput read_credentials(const json::object& b, FieldErrors& e, bool keep) {
  CredentialsInput out;
  auto type = opt_string(b, "auth_type", e, 16).value_or("none");
  auto creds = opt_object(b, "credentials", e);
  const bool kept = keep && !creds;
  auto need = [&](const char* field) {
    if (kept) return;
    if (!creds || !creds->contains(field) || !creds->at(field).is_string() ||
        creds->at(field).get_string().empty())
      e.add(std::string("credentials.") + field, "is required for auth_type " + type);
  };
  if (type == "none") {
    if (creds) e.add("credentials", "must be absent when auth_type is none");
    return out;
  }
  for (const char* f : {"token", "username", "password"})
    if (creds && creds->contains(f) && creds->at(f).is_string() &&
        !valid_header("x", creds->at(f).get_string()))
      e.add(std::string("credentials.") + f, "must not contain CR, LF or NUL");
  if (type == "bearer") {
    need("token");
  } else if (type == "basic") {
    need("username");
    need("password");
  } else if (type == "headers") {
    if (kept) {
    } else if (!creds || !creds->contains("headers") || !creds->at("headers").is_object() ||
               creds->at("headers").get_object().empty()) {
      e.add("credentials.headers", "is required for auth_type headers: an object of strings");
    } else {
      for (const auto& kv : creds->at("headers").get_object())
        if (!kv.value().is_string() || !valid_header(kv.key(), kv.value().get_string()))
          e.add("credentials.headers",
                "must map header names (tokens) to string values without CR or LF");
    }
  } else {
    e.add("auth_type", "must be one of none, bearer, basic, headers");
    return out;
  }
  out.auth_type = type;
  if (creds) {
    json::object sealed = *creds;
    sealed["type"] = type;
    out.credentials = std::move(sealed);
  }
  return out;
}

}  // namespace mcpgw::admin
