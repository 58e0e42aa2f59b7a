// /v1/policies: per-item policies (gateway/policy.h), who may see and use which tools, resources
// and prompts. Each write republishes the catalog, whose snapshot the decisions are made from.
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>

#include "admin/catalog_routes.h"
#include "admin/fields.h"
#include "common/json_parse.h"
#include "gateway/policy.h"
#include "http/server.h"

namespace mcpgw::admin {
namespace json = boost::json;

namespace {

constexpr std::string_view kPolicyReadOnly[] = {"id", "created_at", "updated_at"};
constexpr const char* kRuleFields[] = {"effect", "server_id", "subjects",  "scopes",
                                       "claims", "tools",     "resources", "prompts"};
constexpr std::int64_t kMaxPriority = 1'000'000'000;

json::object policy_json(const store::PolicyRecord& p) {
  json::object o{{"id", p.id},
                 {"name", p.name},
                 {"description", p.description},
                 {"priority", p.priority},
                 {"enabled", p.enabled}};
  boost::system::error_code ec;
  json::value rule = parse_json(p.rule, ec);
  if (!ec && rule.is_object())
    for (const auto& [k, v] : rule.get_object())
      o[k] = v;
  o["created_at"] = time_or_null(p.created_at);
  o["updated_at"] = time_or_null(p.updated_at);
  return o;
}

std::optional<std::int64_t> read_priority(const json::object& b, FieldErrors& e) {
  auto it = b.find("priority");
  if (it == b.end() || it->value().is_null()) return 100;
  const auto& v = it->value();
  if (v.is_int64() && v.get_int64() >= -kMaxPriority && v.get_int64() <= kMaxPriority)
    return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(kMaxPriority))
    return static_cast<std::int64_t>(v.get_uint64());
  e.add("priority", "must be a whole number from -1000000000 to 1000000000 (lower decides first)");
  return std::nullopt;
}

std::optional<store::PolicyWrite> read_policy(const json::object& b,
                                              const store::PolicyRepository::ServerExists& exists,
                                              FieldErrors& e) {
  unknown_fields(b,
                 {"name", "description", "priority", "enabled", "effect", "server_id", "subjects",
                  "scopes", "claims", "tools", "resources", "prompts"},
                 e);
  store::PolicyWrite w;
  auto name = opt_string(b, "name", e, 200);
  if (!name || name->empty()) e.add("name", "is required: a string of 1 to 200 characters");
  w.name = name.value_or("");
  w.description = opt_string(b, "description", e).value_or("");
  w.priority = read_priority(b, e).value_or(0);
  w.enabled = opt_bool(b, "enabled", e).value_or(true);
  json::object rule;
  for (const char* f : kRuleFields)
    if (auto it = b.find(f); it != b.end()) rule[f] = it->value();
  gateway::PolicyError why;
  auto policy = gateway::policy_rule_from_json(rule, why);
  if (!policy) e.add(why.field, why.message);
  if (policy && policy->server_id && !exists(*policy->server_id))
    e.add("server_id", "unknown server id '" + *policy->server_id + "'");
  if (!e.empty()) return std::nullopt;
  w.rule = json::serialize(gateway::policy_rule_to_json(*policy));
  return w;
}

void save_policy(const CatalogContext& c, WriteOutcome& out, const std::string& id,
                 const json::object& request, bool create, bool patch) {
  auto saved = c.db.policies().save(id, create,
                                    [&](const std::optional<store::PolicyRecord>& found,
                                        const store::PolicyRepository::ServerExists& exists) {
                                      json::object body = request;
                                      if (!create) {
                                        if (!found) {
                                          out.kind = WriteOutcome::Kind::not_found;
                                          return std::optional<store::PolicyWrite>();
                                        }
                                        json::object stored = policy_json(*found);
                                        drop_read_only(body, stored, kPolicyReadOnly, out.errors);
                                        if (patch) {
                                          for (auto f : kPolicyReadOnly)
                                            stored.erase(f);
                                          merge_patch(stored, body);
                                          body = std::move(stored);
                                        }
                                      }
                                      auto w = read_policy(body, exists, out.errors);
                                      if (!w || !out.errors.empty()) {
                                        out.kind = WriteOutcome::Kind::invalid;
                                        return std::optional<store::PolicyWrite>();
                                      }
                                      out.conflict_detail =
                                          "a policy named '" + w->name + "' already exists";
                                      return w;
                                    });
  if (saved) out.item = policy_json(*saved);
}

}  // namespace

void register_policy_routes(http::HttpServer& server, const CatalogContext& c) {
  register_read_routes(server, c, "/v1/policies", kFilterName,
                       read_items(c.db.policies(), policy_json), "policy");
  register_write_routes(server, c, "/v1/policies", "policy", save_policy);
  register_delete_route(
      server, c, "/v1/policies",
      [&policies = c.db.policies()](const std::string& id) { return policies.remove(id); },
      "policy");
}

}  // namespace mcpgw::admin
