#include "admin/tokens_api.h"

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/list_query.h"
#include "admin/validation.h"
#include "auth/api_tokens.h"
#include "auth/route_guard.h"
#include "common/clock.h"
#include "common/duration.h"
#include "common/offload.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;

namespace {

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v)
    a.emplace_back(s);
  return a;
}

json::object describe(const store::ApiTokenRecord& r) {
  json::object o{{"id", r.id},
                 {"name", r.name},
                 {"prefix", r.prefix},
                 {"subject", r.subject},
                 {"scopes", to_array(r.scopes)},
                 {"servers", to_array(r.servers)},
                 {"created_at", iso8601_utc(r.created_at)}};
  o["expires_at"] = r.expires_at ? json::value(iso8601_utc(*r.expires_at)) : json::value(nullptr);
  o["revoked_at"] = r.revoked_at ? json::value(iso8601_utc(*r.revoked_at)) : json::value(nullptr);
  return o;
}

// Reads an optional array of non-empty strings; records a field error otherwise.
std::vector<std::string> string_array(const json::object& body, const char* field,
                                      FieldErrors& errors) {
  std::vector<std::string> out;
  auto it = body.find(field);
  if (it == body.end() || it->value().is_null()) return out;
  if (!it->value().is_array()) {
    errors.add(field, "must be an array of strings");
    return out;
  }
  for (const auto& item : it->value().get_array()) {
    if (!item.is_string() || item.get_string().empty()) {
      errors.add(field, "must be an array of non-empty strings");
      return {};
    }
    out.emplace_back(item.get_string());
  }
  return out;
}

std::optional<auth::NewApiToken> read_new_token(const json::object& body, FieldErrors& errors) {
  static const std::vector<std::string> known = {"name", "subject", "scopes", "servers", "ttl"};
  for (const auto& kv : body)
    if (std::find(known.begin(), known.end(), kv.key()) == known.end())
      errors.add(kv.key(), "unknown field");
  auth::NewApiToken t;
  if (auto it = body.find("name"); it != body.end()) {
    if (!it->value().is_string() || it->value().get_string().size() > 200)
      errors.add("name", "must be a string of at most 200 characters");
    else
      t.name = it->value().get_string();
  }
  auto sub = body.find("subject");
  if (sub == body.end() || !sub->value().is_string() || sub->value().get_string().empty())
    errors.add("subject", "is required: a non-empty string");
  else
    t.subject = sub->value().get_string();
  t.scopes = string_array(body, "scopes", errors);
  if (body.find("scopes") == body.end())
    errors.add("scopes", "is required: [\"admin\"] and/or [\"mcp\"]");
  for (const auto& s : t.scopes)
    if (!auth::is_known_scope(s)) errors.add("scopes", "unknown scope '" + s + "' (admin, mcp)");
  t.servers = string_array(body, "servers", errors);
  if (auto it = body.find("ttl"); it != body.end() && !it->value().is_null()) {
    std::optional<std::chrono::milliseconds> d;
    if (it->value().is_string()) d = parse_duration(it->value().get_string());
    if (!d || d->count() < 1000)
      errors.add("ttl", "must be a duration such as \"30m\", \"12h\" or \"90d\" (at least 1s)");
    else
      t.ttl = std::chrono::duration_cast<std::chrono::seconds>(*d);
  }
  if (!errors.empty()) return std::nullopt;
  return t;
}

}  // namespace

void register_token_routes(http::HttpServer& server, auth::ApiTokenService& tokens,
                           boost::asio::thread_pool& blocking) {
  using http::Access;
  using http::Exchange;
  using http::Response;

  server.route("GET", "/v1/whoami", Access::authenticated(),
               [](Exchange& ctx) -> awaitable<Response> {
                 const auto& p = auth::principal_of(ctx);
                 co_return http::json_response(http::Status::ok,
                                               json::object{{"subject", p.subject},
                                                            {"scopes", to_array(p.scopes)},
                                                            {"servers", to_array(p.servers)},
                                                            {"token_kind", p.token_kind}});
               });

  server.route(
      "GET", "/v1/tokens", Access::require(auth::kScopeAdmin),
      [&tokens, &blocking](Exchange& ctx) -> awaitable<Response> {
        FieldErrors errors;
        auto query = parse_list_query(ctx.request.target(), kFilterName, errors);
        if (!query) co_return errors.to_response();
        store::ApiTokenRepository::PageQuery pq;
        pq.name_contains = query->name;
        if (query->after) pq.after = {query->after->name, query->after->id};
        pq.limit = query->limit + 1;  // one more: is there a further page?
        auto records = co_await offload(blocking, [&tokens, &pq] { return tokens.page(pq); });
        json::array items;
        for (const auto& r : records)
          items.push_back(describe(r));
        co_return http::json_response(http::Status::ok, page_json(std::move(items), *query));
      });

  server.route("GET", "/v1/tokens/{id}", Access::require(auth::kScopeAdmin),
               [&tokens, &blocking](Exchange& ctx) -> awaitable<Response> {
                 const std::string id(*ctx.params.get("id"));
                 auto record =
                     co_await offload(blocking, [&tokens, &id] { return tokens.find(id); });
                 if (!record)
                   co_return http::error_response(http::Status::not_found, "not_found",
                                                  "no API token with id '" + id + "'");
                 co_return http::json_response(http::Status::ok, describe(*record));
               });

  server.route("POST", "/v1/tokens", Access::require(auth::kScopeAdmin),
               [&tokens, &blocking](Exchange& ctx) -> awaitable<Response> {
                 auto body = parse_json_object_body(ctx.request);
                 if (body.error) co_return std::move(*body.error);
                 FieldErrors errors;
                 auto req = read_new_token(body.value->get_object(), errors);
                 if (!req) co_return errors.to_response();
                 const auth::NewApiToken& r = *req;
                 auto created = co_await offload(
                     blocking, [&tokens, &r] { return tokens.create(r, unix_ms()); });
                 json::object out = describe(created.record);
                 out["token"] = created.token;
                 auto res = http::json_response(http::Status::created, out);
                 res.set(boost::beast::http::field::location, "/v1/tokens/" + created.record.id);
                 co_return res;
               });

  server.route("DELETE", "/v1/tokens/{id}", Access::require(auth::kScopeAdmin),
               [&tokens, &blocking](Exchange& ctx) -> awaitable<Response> {
                 const std::string id(*ctx.params.get("id"));
                 const bool revoked = co_await offload(
                     blocking, [&tokens, &id] { return tokens.revoke(id, unix_ms()); });
                 if (!revoked)
                   co_return http::error_response(http::Status::not_found, "not_found",
                                                  "no active API token with id '" + id + "'");
                 Response res{http::Status::no_content, 11};
                 co_return res;
               });
}

}  // namespace mcpgw::admin
