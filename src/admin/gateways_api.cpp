#include "admin/gateways_api.h"

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "admin/validation.h"
#include "auth/principal.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/offload.h"
#include "gateway/catalog.h"
#include "gateway/catalog_sync.h"
#include "gateway/federation.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::Exchange;
using http::Response;

namespace {

// The era its last discovery found it speaking: "modern", "legacy", or null before any.
json::value era_of(const std::optional<std::string>& version) {
  if (!version || version->empty()) return nullptr;
  return gateway::era_name(*version);
}

json::object gateway_json(const store::GatewayRecord& g) {
  return json::object{{"id", g.id},
                      {"name", g.name},
                      {"slug", g.slug},
                      {"url", g.url},
                      {"description", g.description},
                      {"headers", json_text(g.headers)},
                      {"auth_type", g.auth_type},
                      {"has_credentials", g.has_credentials},
                      {"tags", json_text(g.tags)},
                      {"timeout_ms", g.timeout_ms},
                      {"enabled", g.enabled},
                      {"status", g.status},
                      {"last_seen_at", time_or_null(g.last_seen_at)},
                      {"last_error", text_or_null(g.last_error)},
                      {"protocol_version", text_or_null(g.protocol_version)},
                      {"era", era_of(g.protocol_version)},
                      {"server_info", json_text(g.server_info)},
                      {"capabilities", json_text(g.capabilities)},
                      {"created_at", iso8601_utc(g.created_at)},
                      {"updated_at", iso8601_utc(g.updated_at)},
                      {"tool_count", g.tool_count},
                      {"resource_count", g.resource_count},
                      {"prompt_count", g.prompt_count}};
}

// The members of a stored gateway's JSON that PATCH merges the body into.
constexpr const char* kSettings[] = {"name",      "url",  "description", "headers",
                                     "auth_type", "tags", "timeout_ms",  "enabled"};

// A gateway as the admin gave it, validated.
struct GatewayInput {
  std::string name, url, description;
  json::object headers;
  std::vector<std::string> tags;
  std::int64_t timeout_ms = 0;  // absent: federation.request_timeout
  bool enabled = true;
  CredentialsInput auth;
};

std::optional<GatewayInput> read_gateway(const json::object& b, FieldErrors& e,
                                         bool keep_credentials, std::int64_t default_timeout_ms) {
  unknown_fields(b,
                 {"name", "url", "description", "headers", "auth_type", "credentials", "tags",
                  "timeout_ms", "enabled"},
                 e);
  GatewayInput g;
  g.timeout_ms = default_timeout_ms;
  auto absent = [&](const char* f) { return !b.contains(f) || b.at(f).is_null(); };
  auto name = opt_string(b, "name", e, 200);
  if (name && !name->empty())
    g.name = *name;
  else if (name || absent("name"))
    e.add("name", "is required: a non-empty string of at most 200 characters");
  auto url = opt_string(b, "url", e, 2048);
  auto parsed =
      url ? boost::urls::parse_absolute_uri(*url) : boost::system::result<boost::urls::url_view>();
  if (url && parsed && (parsed->scheme() == "http" || parsed->scheme() == "https") &&
      !parsed->host().empty())
    g.url = *url;
  else if (url || absent("url"))
    e.add("url", "is required: an absolute http or https URL (the upstream's MCP endpoint)");
  g.description = opt_string(b, "description", e).value_or("");
  if (auto h = opt_object(b, "headers", e)) {
    for (const auto& kv : *h)
      if (!kv.value().is_string() || !valid_header(kv.key(), kv.value().get_string()))
        e.add("headers", "must map header names (tokens) to string values without CR or LF");
    g.headers = std::move(*h);
  }
  g.tags = read_tags(b, e);
  if (auto it = b.find("timeout_ms"); it != b.end()) {
    if (!it->value().is_int64() || it->value().get_int64() < 1 || it->value().get_int64() > 600'000)
      e.add("timeout_ms", "must be a whole number of milliseconds from 1 to 600000");
    else
      g.timeout_ms = it->value().get_int64();
  }
  g.enabled = opt_bool(b, "enabled", e).value_or(true);
  g.auth = read_credentials(b, e, keep_credentials);
  if (!e.empty()) return std::nullopt;
  return g;
}

// What POST (create), PUT and PATCH write, decided from the stored gateway inside the store's
// transaction; nullopt (and out says why) to write nothing. PUT and PATCH keep the sealed
// credentials when the body gives none and auth_type stays the same.
std::optional<store::GatewayWrite> decide_gateway(const CatalogContext& c, WriteOutcome& out,
                                                  const std::optional<store::GatewayRecord>& found,
                                                  const json::object& body, bool create, bool patch,
                                                  std::int64_t default_timeout_ms) {
  json::object candidate = body;
  bool keep = false;
  if (!create) {
    if (!found) {
      out.kind = WriteOutcome::Kind::not_found;
      return std::nullopt;
    }
    const json::object stored = gateway_json(*found);
    if (patch) {
      candidate = {};
      for (const char* f : kSettings)
        candidate[f] = stored.at(f);
      for (const auto& kv : body)
        candidate[kv.key()] = kv.value();
    }
    keep = !body.contains("credentials") && stored.at("has_credentials") == true &&
           candidate.contains("auth_type") && candidate.at("auth_type") == stored.at("auth_type");
  }
  auto g = read_gateway(candidate, out.errors, keep, default_timeout_ms);
  if (!g) {
    out.kind = WriteOutcome::Kind::invalid;
    return std::nullopt;
  }
  out.conflict_detail = "a gateway named '" + g->name + "' (or with the same slug) already exists";
  store::GatewayWrite w{g->name,
                        gateway::slugify(g->name),
                        g->url,
                        g->description,
                        json::serialize(g->headers),
                        json::serialize(json::value_from(g->tags)),
                        g->timeout_ms,
                        g->enabled,
                        g->auth.auth_type,
                        std::nullopt};
  if (create || !keep) {
    w.sealed_credentials = std::optional<std::string>();
    if (g->auth.credentials)
      w.sealed_credentials = crypto::seal(c.credentials_key, json::serialize(*g->auth.credentials));
  }
  return w;
}

void save_gateway(const CatalogContext& c, WriteOutcome& out, const std::string& id,
                  const json::object& body, bool create, bool patch,
                  std::int64_t default_timeout_ms) {
  auto saved =
      c.db.gateways().save(id, create, [&](const std::optional<store::GatewayRecord>& stored) {
        return decide_gateway(c, out, stored, body, create, patch, default_timeout_ms);
      });
  if (saved) out.item = gateway_json(*saved);
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

json::object load_gateway(const CatalogContext& c, const std::string& id) {
  auto g = c.db.gateways().find(id);
  return g ? gateway_json(*g) : json::object{};
}

Response not_found(const std::string& id) {
  return http::error_response(http::Status::not_found, "not_found",
                              "no gateway with id '" + id + "'");
}

// After a write: an enabled gateway is discovered (its monitor was just (re)started by the
// catalog change), and the answer is the gateway as it is then, with the discovery's report.
awaitable<Response> answer_write(const CatalogContext& c, gateway::Federation& federation,
                                 const std::string& id, WriteOutcome& out, http::Status success) {
  if (out.kind != WriteOutcome::Kind::done) co_return outcome_response(out, success, "gateway", id);
  json::object report;
  if (out.item.at("enabled").as_bool()) {
    const gateway::DiscoveryReport discovered = co_await federation.refresh(id);
    report = report_json(discovered);
    out.item = co_await offload(c.blocking, [&c, &id] { return load_gateway(c, id); });
    if (out.item.empty()) co_return not_found(id);
  }
  out.item["discovery"] = std::move(report);
  auto res = http::json_response(success, out.item);
  if (success == http::Status::created)
    res.set(boost::beast::http::field::location, "/v1/gateways/" + id);
  co_return res;
}

}  // namespace

void register_gateway_routes(http::HttpServer& server, store::CatalogStore& db,
                             gateway::CatalogSync& sync, gateway::Federation& federation,
                             boost::asio::thread_pool& blocking,
                             const std::string& credentials_key) {
  const auto admin = Access::require(auth::kScopeAdmin);
  const CatalogContext c{db, blocking, [&sync] { sync.republish(); }, credentials_key};
  register_read_routes(server, c, "/v1/gateways", kFilterName | kFilterTag,
                       read_items(db.gateways(), gateway_json), "gateway");
  register_delete_route(
      server, c, "/v1/gateways",
      [&gateways = db.gateways()](const std::string& id) { return gateways.remove(id); },
      "gateway");

  struct Write {
    const char* method;
    const char* pattern;
    bool create, patch;
  };
  const std::int64_t default_timeout_ms = federation.request_timeout().count();
  for (const Write w :
       {Write{"POST", "/v1/gateways", true, false}, Write{"PUT", "/v1/gateways/{id}", false, false},
        Write{"PATCH", "/v1/gateways/{id}", false, true}}) {
    server.route(w.method, w.pattern, admin,
                 [c, &federation, w, default_timeout_ms](Exchange& ctx) -> awaitable<Response> {
                   auto body = parse_json_object_body(ctx.request);
                   if (body.error) co_return std::move(*body.error);
                   const json::object& b = body.value->get_object();
                   const std::string id =
                       w.create ? crypto::random_hex(8) : std::string(*ctx.params.get("id"));
                   auto out = co_await offload(c.blocking, [&c, &b, &id, w, default_timeout_ms] {
                     return write_catalog(c, [&](WriteOutcome& o) {
                       save_gateway(c, o, id, b, w.create, w.patch, default_timeout_ms);
                     });
                   });
                   co_return co_await answer_write(
                       c, federation, id, out, w.create ? http::Status::created : http::Status::ok);
                 });
  }

  server.route(
      "POST", "/v1/gateways/{id}/refresh", admin,
      [c, &federation](Exchange& ctx) -> awaitable<Response> {
        const std::string id(*ctx.params.get("id"));
        auto current = co_await offload(c.blocking, [&c, &id] { return load_gateway(c, id); });
        if (current.empty()) co_return not_found(id);
        if (!current.at("enabled").as_bool())
          co_return http::error_response(http::Status::conflict, "disabled",
                                         "gateway '" + id + "' is disabled; enable it first");
        const gateway::DiscoveryReport report = co_await federation.refresh(id);
        auto updated = co_await offload(c.blocking, [&c, &id] { return load_gateway(c, id); });
        if (updated.empty()) co_return not_found(id);
        updated["discovery"] = report_json(report);
        // The upstream did not answer as it should: the gateway's fault, not the admin's.
        co_return http::json_response(
            report.failure.empty() ? http::Status::ok : http::Status::bad_gateway, updated);
      });
}

}  // namespace mcpgw::admin
