#include "admin/catalog_api.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <set>

#include "admin/validation.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/offload.h"
#include "gateway/catalog.h"
#include "http/server.h"
#include "store/database.h"

namespace mcpgw::admin {
namespace json = boost::json;
using boost::asio::awaitable;
using http::Access;
using http::RequestContext;
using http::Response;

namespace {

// MCP tool names: 1 to 128 of A-Z a-z 0-9 _ - . (2025-11-25).
bool valid_tool_name(std::string_view n) {
  if (n.empty() || n.size() > 128) return false;
  for (char c : n)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

// A header field that can go on the wire as it is: a token name (RFC 9110) and a value without
// CR, LF or NUL, so that no admin input can add headers of its own to an upstream request.
bool valid_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos))
      return false;
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void unknown_fields(const json::object& body, std::initializer_list<std::string_view> known,
                    FieldErrors& errors) {
  for (const auto& kv : body)
    if (std::find(known.begin(), known.end(), kv.key()) == known.end())
      errors.add(kv.key(), "unknown field");
}

std::optional<std::string> opt_string(const json::object& b, const char* f, FieldErrors& e,
                                      std::size_t max = 4096) {
  auto it = b.find(f);
  if (it == b.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_string() || it->value().get_string().size() > max) {
    e.add(f, "must be a string of at most " + std::to_string(max) + " characters");
    return std::nullopt;
  }
  return std::string(it->value().get_string());
}

std::optional<json::object> opt_object(const json::object& b, const char* f, FieldErrors& e) {
  auto it = b.find(f);
  if (it == b.end() || it->value().is_null()) return std::nullopt;
  if (!it->value().is_object()) {
    e.add(f, "must be a JSON object");
    return std::nullopt;
  }
  return it->value().get_object();
}

struct NewTool {
  std::string name, description, url, request_type = "POST";
  json::object input_schema{{"type", "object"}};
  std::optional<json::object> output_schema;
  json::object annotations, headers;
  std::int64_t timeout_ms = 30'000;
  std::string auth_type = "none";
  std::optional<json::object> credentials;  // sealed before it is stored
};

// auth_type and credentials: bearer {token}, basic {username, password}, headers {headers}.
void read_credentials(const json::object& b, NewTool& t, FieldErrors& e) {
  auto type = opt_string(b, "auth_type", e, 16).value_or("none");
  auto creds = opt_object(b, "credentials", e);
  auto need = [&](const char* field) {
    if (!creds || !creds->contains(field) || !creds->at(field).is_string() ||
        creds->at(field).get_string().empty())
      e.add(std::string("credentials.") + field, "is required for auth_type " + type);
  };
  if (type == "none") {
    if (creds) e.add("credentials", "must be absent when auth_type is none");
    return;
  }
  for (const char* f : {"token", "username", "password"})
    if (creds && creds->contains(f) && creds->at(f).is_string() &&
        !valid_header("x", creds->at(f).get_string()))
      e.add(std::string("credentials.") + f, "must not contain CR, LF or NUL");
  if (type == "bearer")
    need("token");
  else if (type == "basic") {
    need("username");
    need("password");
  } else if (type == "headers") {
    if (!creds || !creds->contains("headers") || !creds->at("headers").is_object() ||
        creds->at("headers").get_object().empty())
      e.add("credentials.headers", "is required for auth_type headers: an object of strings");
    else
      for (const auto& kv : creds->at("headers").get_object())
        if (!kv.value().is_string() || !valid_header(kv.key(), kv.value().get_string()))
          e.add("credentials.headers",
                "must map header names (tokens) to string values without CR or LF");
  } else {
    e.add("auth_type", "must be one of none, bearer, basic, headers");
    return;
  }
  t.auth_type = type;
  if (creds) {
    json::object sealed = *creds;
    sealed["type"] = type;
    t.credentials = std::move(sealed);
  }
}

std::optional<NewTool> read_tool(const json::object& b, FieldErrors& e) {
  unknown_fields(
      b,
      {"name", "description", "integration_type", "request_type", "url", "headers", "input_schema",
       "output_schema", "annotations", "timeout_ms", "auth_type", "credentials"},
      e);
  NewTool t;
  auto name = opt_string(b, "name", e, 128);
  if (!name || !valid_tool_name(*name))
    e.add("name", "is required: 1 to 128 characters of A-Z, a-z, 0-9, '_', '-' and '.'");
  else
    t.name = *name;
  t.description = opt_string(b, "description", e).value_or("");
  auto it = opt_string(b, "integration_type", e, 16);
  if (!it || *it != "REST")
    e.add("integration_type",
          "must be \"REST\" (tools of upstream MCP servers come from /v1/gateways)");
  auto url = opt_string(b, "url", e, 2048);
  // {name} placeholders are filled from arguments at call time; check the URL with them filled.
  std::string filled;
  if (url) {
    bool open = false;
    for (char ch : *url) {
      if (ch == '{')
        open = true;
      else if (ch == '}' && open) {
        open = false;
        filled += 'x';
      } else if (!open)
        filled += ch;
    }
  }
  auto parsed = url ? boost::urls::parse_absolute_uri(filled)
                    : boost::system::result<boost::urls::url_view>();
  if (!url || !parsed || (parsed->scheme() != "http" && parsed->scheme() != "https"))
    e.add("url", "is required: an absolute http or https URL ({name} placeholders allowed)");
  else
    t.url = *url;
  if (auto rt = opt_string(b, "request_type", e, 8)) {
    static const std::set<std::string> methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    if (!methods.count(*rt))
      e.add("request_type", "must be one of GET, POST, PUT, PATCH, DELETE");
    else
      t.request_type = *rt;
  }
  if (auto s = opt_object(b, "input_schema", e)) {
    auto type = s->find("type");
    if (type == s->end() || !type->value().is_string() || type->value().get_string() != "object")
      e.add("input_schema", "must be a JSON Schema object with \"type\": \"object\"");
    else
      t.input_schema = std::move(*s);
  }
  t.output_schema = opt_object(b, "output_schema", e);
  t.annotations = opt_object(b, "annotations", e).value_or(json::object{});
  if (auto h = opt_object(b, "headers", e)) {
    for (const auto& kv : *h)
      if (!kv.value().is_string() || !valid_header(kv.key(), kv.value().get_string()))
        e.add("headers", "must map header names (tokens) to string values without CR or LF");
    t.headers = std::move(*h);
  }
  if (auto to = b.find("timeout_ms"); to != b.end()) {
    if (!to->value().is_int64() || to->value().get_int64() < 1 || to->value().get_int64() > 600'000)
      e.add("timeout_ms", "must be a whole number of milliseconds from 1 to 600000");
    else
      t.timeout_ms = to->value().get_int64();
  }
  read_credentials(b, t, e);
  if (!e.empty()) return std::nullopt;
  return t;
}

bool is_unique_violation(const SQLite::Exception& ex) {
  return ex.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
         ex.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// One catalog write on the blocking pool: "conflict" when it broke a UNIQUE constraint, the
// write's own reason when it refused, else "" after the catalog is republished.
template <typename Write, typename Republish>
std::string write_catalog(Write&& write, const Republish& republish) {
  try {
    if (std::string refused = write(); !refused.empty()) return refused;
  } catch (const SQLite::Exception& ex) {
    if (is_unique_violation(ex)) return "conflict";
    throw;
  }
  republish();
  return "";
}

json::object tool_json(SQLite::Statement& q) {
  auto parse = [](const std::string& s) {
    boost::system::error_code ec;
    auto v = json::parse(s, ec);
    return ec ? json::value(nullptr) : v;
  };
  json::object o{{"id", q.getColumn(0).getString()},
                 {"name", q.getColumn(1).getString()},
                 {"description", q.getColumn(2).getString()},
                 {"integration_type", q.getColumn(3).getString()},
                 {"request_type", q.getColumn(4).getString()},
                 {"url", q.getColumn(5).getString()},
                 {"input_schema", parse(q.getColumn(6).getString())},
                 {"output_schema", q.getColumn(7).isNull() ? json::value(nullptr)
                                                           : parse(q.getColumn(7).getString())},
                 {"annotations", parse(q.getColumn(8).getString())},
                 {"headers", parse(q.getColumn(9).getString())},
                 {"timeout_ms", q.getColumn(10).getInt64()},
                 {"enabled", q.getColumn(11).getInt() != 0},
                 {"created_at", iso8601_utc(q.getColumn(12).getInt64())},
                 {"auth_type", q.getColumn(13).getString()},
                 {"has_credentials", q.getColumn(14).getInt() != 0}};
  return o;
}

constexpr const char* kToolColumns =
    "id, name, description, integration_type, request_type, url, input_schema, output_schema, "
    "annotations, headers, timeout_ms, enabled, created_at, auth_type, auth_secret IS NOT NULL";

// DELETE <pattern>: removes the row (associations cascade) and republishes the catalog.
template <typename Republish>
void register_delete(http::HttpServer& server, std::string_view pattern, std::string sql,
                     std::string noun, store::ConnectionPool& db,
                     boost::asio::thread_pool& blocking, Republish republish) {
  server.route("DELETE", pattern, Access::require(auth::kScopeAdmin),
               [&db, &blocking, republish, sql, noun](RequestContext& ctx) -> awaitable<Response> {
                 const std::string id(*ctx.params.get("id"));
                 const bool deleted = co_await offload(blocking, [&db, &id, &sql, &republish] {
                   auto conn = db.acquire();
                   auto& q = conn.prepare(sql);
                   q.bind(1, id);
                   const bool hit = q.exec() == 1;
                   if (hit) republish();
                   return hit;
                 });
                 if (!deleted)
                   co_return http::error_response(http::Status::not_found, "not_found",
                                                  "no " + noun + " with id '" + id + "'");
                 Response res{http::Status::no_content, 11};
                 co_return res;
               });
}

}  // namespace

void register_catalog_routes(http::HttpServer& server, store::ConnectionPool& db,
                             gateway::CatalogService& catalog, boost::asio::thread_pool& blocking,
                             const std::string& credentials_key) {
  // Rebuilds and publishes the catalog; runs on the blocking pool after each committed write.
  auto republish = [&db, &catalog, &credentials_key] {
    catalog.publish(gateway::load_catalog(db, credentials_key));
  };

  server.route(
      "GET", "/v1/tools", Access::require(auth::kScopeAdmin),
      [&db, &blocking](RequestContext&) -> awaitable<Response> {
        auto items = co_await offload(blocking, [&db] {
          auto conn = db.acquire();
          auto& q =
              conn.prepare(std::string("SELECT ") + kToolColumns + " FROM tools ORDER BY name");
          json::array out;
          while (q.executeStep())
            out.push_back(tool_json(q));
          q.reset();
          return out;
        });
        co_return http::json_response(http::Status::ok, json::object{{"items", std::move(items)}});
      });

  server.route(
      "POST", "/v1/tools", Access::require(auth::kScopeAdmin),
      [&db, &blocking, republish, &credentials_key](RequestContext& ctx) -> awaitable<Response> {
        auto body = parse_json_object_body(ctx.request);
        if (body.error) co_return std::move(*body.error);
        FieldErrors errors;
        auto tool = read_tool(body.value->get_object(), errors);
        if (!tool) co_return errors.to_response();
        const NewTool& t = *tool;
        const std::string id = crypto::random_hex(8);
        // "" when created, else why not ("conflict").
        std::string outcome = co_await offload(blocking, [&] {
          return write_catalog(
              [&]() -> std::string {
                auto conn = db.acquire();
                auto& q = conn.prepare(
                    "INSERT INTO tools(id, name, original_name, description, input_schema, "
                    "output_schema, annotations, integration_type, request_type, url, headers, "
                    "timeout_ms, created_at, updated_at, auth_type, auth_secret) "
                    "VALUES(?,?,?,?,?,?,?,'REST',?,?,?,?,?,?,?,?)");
                const auto now = static_cast<int64_t>(unix_ms());
                q.bind(1, id);
                q.bind(2, t.name);
                q.bind(3, t.name);
                q.bind(4, t.description);
                q.bind(5, json::serialize(t.input_schema));
                if (t.output_schema) q.bind(6, json::serialize(*t.output_schema));
                q.bind(7, json::serialize(t.annotations));
                q.bind(8, t.request_type);
                q.bind(9, t.url);
                q.bind(10, json::serialize(t.headers));
                q.bind(11, static_cast<int64_t>(t.timeout_ms));
                q.bind(12, now);
                q.bind(13, now);
                q.bind(14, t.auth_type);
                if (t.credentials) {
                  const std::string sealed =
                      crypto::seal(credentials_key, json::serialize(*t.credentials));
                  q.bind(15, sealed.data(), static_cast<int>(sealed.size()));  // a BLOB, never text
                }
                q.exec();

                return "";
              },
              republish);
        });
        if (outcome == "conflict")
          co_return http::error_response(http::Status::conflict, "conflict",
                                         "a tool named '" + t.name + "' already exists");
        auto created = co_await offload(blocking, [&db, &id] {
          auto conn = db.acquire();
          auto& q =
              conn.prepare(std::string("SELECT ") + kToolColumns + " FROM tools WHERE id = ?");
          q.bind(1, id);
          q.executeStep();
          auto o = tool_json(q);
          q.reset();
          return o;
        });
        auto res = http::json_response(http::Status::created, created);
        res.set(boost::beast::http::field::location, "/v1/tools/" + id);
        co_return res;
      });

  server.route(
      "POST", "/v1/servers", Access::require(auth::kScopeAdmin),
      [&db, &blocking, republish](RequestContext& ctx) -> awaitable<Response> {
        auto body = parse_json_object_body(ctx.request);
        if (body.error) co_return std::move(*body.error);
        const auto& b = body.value->get_object();
        FieldErrors errors;
        unknown_fields(b, {"name", "description", "tool_ids"}, errors);
        auto name = opt_string(b, "name", errors, 200);
        if (!name || name->empty()) errors.add("name", "is required: a non-empty string");
        auto description = opt_string(b, "description", errors).value_or("");
        std::vector<std::string> tool_ids;
        if (auto it = b.find("tool_ids"); it != b.end()) {
          if (!it->value().is_array())
            errors.add("tool_ids", "must be an array of tool ids");
          else
            for (const auto& v : it->value().get_array())
              if (v.is_string())
                tool_ids.emplace_back(v.get_string());
              else
                errors.add("tool_ids", "must be an array of tool ids");
        }
        if (!errors.empty()) co_return errors.to_response();
        const std::string id = crypto::random_hex(8);
        std::string outcome = co_await offload(blocking, [&] {
          return write_catalog(
              [&]() -> std::string {
                auto conn = db.acquire();

                SQLite::Transaction tx(*conn);
                const auto now = static_cast<int64_t>(unix_ms());
                auto& q = conn.prepare(
                    "INSERT INTO servers(id, name, description, created_at, updated_at) "
                    "VALUES(?,?,?,?,?)");
                q.bind(1, id);
                q.bind(2, *name);
                q.bind(3, description);
                q.bind(4, now);
                q.bind(5, now);
                q.exec();
                for (const auto& tid : tool_ids) {
                  auto& exists = conn.prepare("SELECT 1 FROM tools WHERE id = ?");
                  exists.bind(1, tid);
                  const bool found = exists.executeStep();
                  exists.reset();
                  if (!found) return "unknown tool " + tid;
                  auto& a = conn.prepare(
                      "INSERT OR IGNORE INTO server_tools(server_id, tool_id) VALUES(?,?)");
                  a.bind(1, id);
                  a.bind(2, tid);
                  a.exec();
                }
                tx.commit();

                return "";
              },
              republish);
        });
        if (outcome == "conflict")
          co_return http::error_response(http::Status::conflict, "conflict",
                                         "a server named '" + *name + "' already exists");
        if (!outcome.empty()) {
          FieldErrors e;
          e.add("tool_ids", outcome);
          co_return e.to_response();
        }
        auto res = http::json_response(http::Status::created,
                                       json::object{{"id", id},
                                                    {"name", *name},
                                                    {"description", description},
                                                    {"tool_ids", json::value_from(tool_ids)}});
        res.set(boost::beast::http::field::location, "/v1/servers/" + id);
        co_return res;
      });

  register_delete(server, "/v1/tools/{id}", "DELETE FROM tools WHERE id = ?", "tool", db, blocking,
                  republish);
  register_delete(server, "/v1/servers/{id}", "DELETE FROM servers WHERE id = ?", "server", db,
                  blocking, republish);
}

}  // namespace mcpgw::admin
