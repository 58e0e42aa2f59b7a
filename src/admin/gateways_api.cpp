#include "admin/gateways_api.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "admin/validation.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/offload.h"
#include "gateway/catalog.h"
#include "gateway/federation.h"
#include "http/server.h"
#include "store/database.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::RequestContext;
using http::Response;

namespace {

constexpr const char* kColumns =
    "g.id, g.name, g.slug, g.url, g.description, g.headers, g.auth_type, "
    "g.auth_secret IS NOT NULL, g.tags, g.timeout_ms, g.enabled, g.status, g.last_seen_at, "
    "g.last_error, g.protocol_version, g.server_info, g.capabilities, g.created_at, g.updated_at, "
    "(SELECT COUNT(*) FROM tools t WHERE t.gateway_id = g.id), "
    "(SELECT COUNT(*) FROM resources r WHERE r.gateway_id = g.id), "
    "(SELECT COUNT(*) FROM prompts p WHERE p.gateway_id = g.id)";

json::value parse_or_null(const std::string& s) {
  boost::system::error_code ec;
  auto v = json::parse(s, ec);
  return ec ? json::value(nullptr) : v;
}

json::object gateway_json(SQLite::Statement& q, store::ConnectionPool::Lease&) {
  auto time_or_null = [&](int i) -> json::value {
    return q.getColumn(i).isNull() ? json::value(nullptr)
                                   : json::value(iso8601_utc(q.getColumn(i).getInt64()));
  };
  auto text_or_null = [&](int i) -> json::value {
    return q.getColumn(i).isNull() ? json::value(nullptr) : json::value(q.getColumn(i).getString());
  };
  return json::object{{"id", q.getColumn(0).getString()},
                      {"name", q.getColumn(1).getString()},
                      {"slug", q.getColumn(2).getString()},
                      {"url", q.getColumn(3).getString()},
                      {"description", q.getColumn(4).getString()},
                      {"headers", parse_or_null(q.getColumn(5).getString())},
                      {"auth_type", q.getColumn(6).getString()},
                      {"has_credentials", q.getColumn(7).getInt() != 0},
                      {"tags", parse_or_null(q.getColumn(8).getString())},
                      {"timeout_ms", q.getColumn(9).getInt64()},
                      {"enabled", q.getColumn(10).getInt() != 0},
                      {"status", q.getColumn(11).getString()},
                      {"last_seen_at", time_or_null(12)},
                      {"last_error", text_or_null(13)},
                      {"protocol_version", text_or_null(14)},
                      {"server_info", parse_or_null(q.getColumn(15).getString())},
                      {"capabilities", parse_or_null(q.getColumn(16).getString())},
                      {"created_at", iso8601_utc(q.getColumn(17).getInt64())},
                      {"updated_at", iso8601_utc(q.getColumn(18).getInt64())},
                      {"tool_count", q.getColumn(19).getInt64()},
                      {"resource_count", q.getColumn(20).getInt64()},
                      {"prompt_count", q.getColumn(21).getInt64()}};
}

std::optional<json::object> load_gateway(store::ConnectionPool& db, const std::string& id) {
  auto conn = db.acquire();
  auto& q = conn.prepare(std::string("SELECT ") + kColumns + " FROM gateways g WHERE g.id = ?");
  q.bind(1, id);
  std::optional<json::object> out;
  if (q.executeStep()) out = gateway_json(q, conn);
  q.reset();
  return out;
}

// A gateway as the admin gave it, validated.
struct GatewayInput {
  std::string name, url, description;
  json::object headers;
  json::array tags;
  std::int64_t timeout_ms = 30'000;
  bool enabled = true;
  std::string auth_type = "none";
  std::optional<json::object> credentials;  // present: replace the sealed ones
};

std::optional<GatewayInput> read_gateway(const json::object& b, FieldErrors& e) {
  unknown_fields(b,
                 {"name", "url", "description", "headers", "auth_type", "credentials", "tags",
                  "timeout_ms", "enabled"},
                 e);
  GatewayInput g;
  auto string_field = [&](const char* f, std::size_t max, bool required) -> std::string {
    auto it = b.find(f);
    if (it == b.end() || it->value().is_null()) {
      if (required) e.add(f, "is required");
      return {};
    }
    if (!it->value().is_string() || it->value().get_string().size() > max ||
        (required && it->value().get_string().empty())) {
      e.add(f, "must be a " + std::string(required ? "non-empty " : "") + "string of at most " +
                   std::to_string(max) + " characters");
      return {};
    }
    return std::string(it->value().get_string());
  };
  g.name = string_field("name", 200, true);
  g.url = string_field("url", 2048, true);
  if (!g.url.empty()) {
    auto u = boost::urls::parse_absolute_uri(g.url);
    if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->host().empty())
      e.add("url", "must be an absolute http or https URL (the upstream's MCP endpoint)");
  }
  g.description = string_field("description", 4096, false);
  if (auto it = b.find("headers"); it != b.end() && !it->value().is_null()) {
    if (!it->value().is_object())
      e.add("headers", "must be an object of header names to string values");
    else
      for (const auto& kv : it->value().get_object())
        if (!kv.value().is_string() || !valid_header(kv.key(), kv.value().get_string()))
          e.add("headers", "must map header names (tokens) to string values without CR or LF");
        else
          g.headers[kv.key()] = kv.value();
  }
  for (auto& t : read_tags(b, e))
    g.tags.emplace_back(t);
  if (auto it = b.find("timeout_ms"); it != b.end()) {
    if (!it->value().is_int64() || it->value().get_int64() < 1 || it->value().get_int64() > 600'000)
      e.add("timeout_ms", "must be a whole number of milliseconds from 1 to 600000");
    else
      g.timeout_ms = it->value().get_int64();
  }
  if (auto it = b.find("enabled"); it != b.end()) {
    if (!it->value().is_bool())
      e.add("enabled", "must be true or false");
    else
      g.enabled = it->value().get_bool();
  }
  g.auth_type = string_field("auth_type", 16, false);
  if (g.auth_type.empty()) g.auth_type = "none";
  const json::value* creds = b.if_contains("credentials");
  if (creds && creds->is_null()) creds = nullptr;
  auto need = [&](const char* f) {
    const json::value* v =
        creds && creds->is_object() ? creds->get_object().if_contains(f) : nullptr;
    if (!v || !v->is_string() || v->get_string().empty() || !valid_header("x", v->get_string()))
      e.add(std::string("credentials.") + f,
            "is required for auth_type " + g.auth_type + ": a string without CR or LF");
  };
  if (creds && !creds->is_object()) e.add("credentials", "must be a JSON object");
  if (g.auth_type == "none") {
    if (creds) e.add("credentials", "must be absent when auth_type is none");
  } else if (g.auth_type == "bearer") {
    if (creds) need("token");
  } else if (g.auth_type == "basic") {
    if (creds) {
      need("username");
      need("password");
    }
  } else if (g.auth_type == "headers") {
    const json::value* h =
        creds && creds->is_object() ? creds->get_object().if_contains("headers") : nullptr;
    bool ok = h && h->is_object() && !h->get_object().empty();
    if (ok)
      for (const auto& kv : h->get_object())
        ok = ok && kv.value().is_string() && valid_header(kv.key(), kv.value().get_string());
    if (creds && !ok)
      e.add("credentials.headers", "must map header names (tokens) to string values");
  } else {
    e.add("auth_type", "must be one of none, bearer, basic, headers");
  }
  if (creds && creds->is_object()) {
    g.credentials = creds->get_object();
    (*g.credentials)["type"] = g.auth_type;
  }
  if (!e.empty()) return std::nullopt;
  return g;
}

json::object report_json(const gateway::DiscoveryReport& r) {
  json::object o{{"ok", r.failure.empty()},
                 {"tools", r.tools},
                 {"resources", r.resources},
                 {"resource_templates", r.resource_templates},
                 {"prompts", r.prompts}};
  if (!r.failure.empty()) o["failure"] = r.failure;
  if (!r.skipped.empty()) o["skipped"] = json::value_from(r.skipped);
  return o;
}

Response not_found(const std::string& id) {
  return http::error_response(http::Status::not_found, "not_found",
                              "no gateway with id '" + id + "'");
}

}  // namespace

void register_gateway_routes(http::HttpServer& server, store::ConnectionPool& db,
                             gateway::CatalogService& catalog, gateway::Federation& federation,
                             boost::asio::thread_pool& blocking,
                             const std::string& credentials_key) {
  const auto admin = Access::require(auth::kScopeAdmin);
  auto republish = [&db, &catalog, &credentials_key] {
    catalog.publish(gateway::load_catalog(db, credentials_key));
  };

  // Writes (insert when `id` is new, else update) and republishes. "" when done, "conflict" for
  // a taken name or slug, "missing" when the gateway to update is gone.
  auto write = [&db, &credentials_key, republish](const std::string& id, const GatewayInput& g,
                                                  bool insert, bool keep_credentials) {
    try {
      auto conn = db.acquire();
      const auto now = static_cast<std::int64_t>(unix_ms());
      std::optional<std::string> sealed;
      if (g.credentials) sealed = crypto::seal(credentials_key, json::serialize(*g.credentials));
      SQLite::Statement* q;
      if (insert) {
        q = &conn.prepare(
            "INSERT INTO gateways(id, name, slug, url, description, headers, tags, timeout_ms, "
            "enabled, auth_type, auth_secret, created_at, updated_at) "
            "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12)");
      } else {
        q = &conn.prepare(keep_credentials
                              ? "UPDATE gateways SET name=?2, slug=?3, url=?4, description=?5, "
                                "headers=?6, tags=?7, timeout_ms=?8, enabled=?9, auth_type=?10, "
                                "updated_at=?12 WHERE id=?1"
                              : "UPDATE gateways SET name=?2, slug=?3, url=?4, description=?5, "
                                "headers=?6, tags=?7, timeout_ms=?8, enabled=?9, auth_type=?10, "
                                "auth_secret=?11, updated_at=?12 WHERE id=?1");
      }
      q->bind(1, id);
      q->bind(2, g.name);
      q->bind(3, gateway::slugify(g.name));
      q->bind(4, g.url);
      q->bind(5, g.description);
      q->bind(6, json::serialize(g.headers));
      q->bind(7, json::serialize(g.tags));
      q->bind(8, g.timeout_ms);
      q->bind(9, g.enabled ? 1 : 0);
      q->bind(10, g.auth_type);
      if (sealed) q->bind(11, sealed->data(), static_cast<int>(sealed->size()));
      q->bind(12, now);
      const int changed = q->exec();
      q->reset();
      if (changed == 0) return std::string("missing");
    } catch (const SQLite::Exception& ex) {
      if (ex.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) return std::string("conflict");
      throw;
    }
    republish();
    return std::string();
  };

  auto conflict = [](const std::string& name) {
    return http::error_response(
        http::Status::conflict, "conflict",
        "a gateway named '" + name + "' (or with the same slug) already exists");
  };

  server.route(
      "POST", "/v1/gateways", admin,
      [&db, &blocking, &federation, write, conflict](RequestContext& ctx) -> awaitable<Response> {
        auto body = parse_json_object_body(ctx.request);
        if (body.error) co_return std::move(*body.error);
        FieldErrors errors;
        auto input = read_gateway(body.value->get_object(), errors);
        if (input && input->auth_type != "none" && !input->credentials)
          errors.add("credentials", "is required for auth_type " + input->auth_type);
        if (!errors.empty()) co_return errors.to_response();
        const GatewayInput& g = *input;
        const std::string id = crypto::random_hex(8);
        const std::string outcome =
            co_await offload(blocking, [&] { return write(id, g, true, false); });
        if (outcome == "conflict") co_return conflict(g.name);
        json::object report;
        if (g.enabled) {
          const gateway::DiscoveryReport discovered = co_await federation.refresh(id);
          report = report_json(discovered);
        }
        auto created = co_await offload(blocking, [&db, &id] { return load_gateway(db, id); });
        if (!created) co_return not_found(id);
        (*created)["discovery"] = std::move(report);
        auto res = http::json_response(http::Status::created, *created);
        res.set(boost::beast::http::field::location, "/v1/gateways/" + id);
        co_return res;
      });

  const CatalogContext context{db, blocking, republish, credentials_key};
  register_read_routes(server, context, "/v1/gateways", kFilterName | kFilterTag,
                       std::string("SELECT ") + kColumns + " FROM gateways g", gateway_json,
                       "gateway");
  register_delete_route(server, context, "/v1/gateways", "gateways", "gateway");

  // PUT replaces the settings; PATCH changes those given. Credentials stay unless given anew or
  // auth_type becomes none.
  for (const char* method : {"PUT", "PATCH"}) {
    const bool patch = std::string_view(method) == "PATCH";
    server.route(
        method, "/v1/gateways/{id}", admin,
        [&db, &blocking, &federation, write, conflict,
         patch](RequestContext& ctx) -> awaitable<Response> {
          const std::string id(*ctx.params.get("id"));
          auto body = parse_json_object_body(ctx.request);
          if (body.error) co_return std::move(*body.error);
          auto current = co_await offload(blocking, [&db, &id] { return load_gateway(db, id); });
          if (!current) co_return not_found(id);
          json::object merged;
          if (patch)
            for (const char* f : {"name", "url", "description", "headers", "auth_type", "tags",
                                  "timeout_ms", "enabled"})
              merged[f] = current->at(f);
          for (const auto& kv : body.value->get_object())
            merged[kv.key()] = kv.value();
          FieldErrors errors;
          auto input = read_gateway(merged, errors);
          const bool had = current->at("has_credentials").as_bool();
          const bool same_type = input && current->at("auth_type").as_string() == input->auth_type;
          const bool keep = input && !input->credentials && same_type && had;
          if (input && input->auth_type != "none" && !input->credentials && !keep)
            errors.add("credentials", "is required for auth_type " + input->auth_type);
          if (!errors.empty()) co_return errors.to_response();
          const GatewayInput& g = *input;
          const std::string outcome =
              co_await offload(blocking, [&] { return write(id, g, false, keep); });
          if (outcome == "conflict") co_return conflict(g.name);
          if (outcome == "missing") co_return not_found(id);
          json::object report;
          if (g.enabled) {
            const gateway::DiscoveryReport discovered = co_await federation.refresh(id);
            report = report_json(discovered);
          }
          auto updated = co_await offload(blocking, [&db, &id] { return load_gateway(db, id); });
          if (!updated) co_return not_found(id);
          (*updated)["discovery"] = std::move(report);
          co_return http::json_response(http::Status::ok, *updated);
        });
  }

  server.route(
      "POST", "/v1/gateways/{id}/refresh", admin,
      [&db, &blocking, &federation](RequestContext& ctx) -> awaitable<Response> {
        const std::string id(*ctx.params.get("id"));
        auto current = co_await offload(blocking, [&db, &id] { return load_gateway(db, id); });
        if (!current) co_return not_found(id);
        if (!current->at("enabled").as_bool())
          co_return http::error_response(http::Status::conflict, "disabled",
                                         "gateway '" + id + "' is disabled; enable it first");
        const gateway::DiscoveryReport report = co_await federation.refresh(id);
        auto updated = co_await offload(blocking, [&db, &id] { return load_gateway(db, id); });
        if (!updated) co_return not_found(id);
        (*updated)["discovery"] = report_json(report);
        // The upstream did not answer as it should: the gateway's fault, not the admin's.
        co_return http::json_response(
            report.failure.empty() ? http::Status::ok : http::Status::bad_gateway, *updated);
      });
}

}  // namespace mcpgw::admin
