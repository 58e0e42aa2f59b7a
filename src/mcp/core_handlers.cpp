#include "mcp/core_handlers.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "common/crypto.h"
#include "mcp/dispatcher.h"
#include "protocol/names.h"
#include "protocol/versions.h"

namespace mcpgw::mcp {
namespace {

using boost::asio::awaitable;

// Cursors are opaque to clients: the hex of the last key of the previous page. Keyset paging
// stays correct when the catalog changes between pages (nothing is skipped or repeated).
std::string encode_cursor(std::string_view key) {
  return crypto::to_hex(key);
}

std::optional<std::string> decode_cursor(std::string_view cursor) {
  if (cursor.size() % 2 != 0) return std::nullopt;
  std::string out;
  out.reserve(cursor.size() / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < cursor.size(); i += 2) {
    const int hi = nibble(cursor[i]), lo = nibble(cursor[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

RequestHandler list_handler(const gateway::CatalogService& catalog, gateway::ItemKind kind,
                            const char* field) {
  return [&catalog, kind, field](RequestContext& ctx,
                                 const json::object& params) -> awaitable<Outcome> {
    std::optional<std::string> after;
    if (auto it = params.find("cursor"); it != params.end() && !it->value().is_null()) {
      if (!it->value().is_string() || !(after = decode_cursor(it->value().get_string())))
        co_return Outcome::fail(jsonrpc::kInvalidParams, "Invalid params: unknown cursor");
    }
    const auto snapshot = catalog.current();
    const auto items = gateway::visible(*snapshot, kind, ctx.scope());
    auto it = items.begin();
    if (after)
      it = std::upper_bound(
          items.begin(), items.end(), *after,
          [](const std::string& k, const gateway::CatalogItem* item) { return k < item->key; });
    // The items are serialized once per catalog snapshot; a page is their concatenation.
    std::string page = "{\"";
    page += field;
    page += "\":[";
    std::size_t n = 0;
    for (; it != items.end() && n < kPageSize; ++it, ++n) {
      if (n) page += ',';
      page += (*it)->json;
    }
    page += ']';
    if (it != items.end()) {
      page += ",\"nextCursor\":\"";
      page += encode_cursor((*(it - 1))->key);  // hex: nothing to escape
      page += '"';
    }
    page += '}';
    co_return Outcome::ok_json(std::move(page));
  };
}

bool is_log_level(std::string_view l) {
  for (auto v : {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"})
    if (l == v) return true;
  return false;
}

}  // namespace

void register_core_handlers(Dispatcher& d, const gateway::CatalogService& catalog,
                            ServerIdentity identity) {
  d.on_request(
      protocol::method::kInitialize,
      {[identity](RequestContext& ctx, const json::object& params) -> awaitable<Outcome> {
         auto v = params.find("protocolVersion");
         auto caps = params.find("capabilities");
         auto info = params.find("clientInfo");
         if (v == params.end() || !v->value().is_string())
           co_return Outcome::fail(jsonrpc::kInvalidParams,
                                   "Invalid params: protocolVersion must be a string");
         if (caps == params.end() || !caps->value().is_object())
           co_return Outcome::fail(jsonrpc::kInvalidParams,
                                   "Invalid params: capabilities must be an object");
         if (info == params.end() || !info->value().is_object() ||
             !info->value().get_object().contains("name"))
           co_return Outcome::fail(jsonrpc::kInvalidParams,
                                   "Invalid params: clientInfo must be an object with a name");
         if (ctx.session())
           ctx.session()->set_client(info->value().get_object(), caps->value().get_object());
         // Capabilities are what mcpgw really offers: list_changed for every list it serves,
         // logging levels, and completions.
         json::object capabilities{
             {"logging", json::object{}},
             {"completions", json::object{}},
             {"prompts", json::object{{"listChanged", true}}},
             {"resources", json::object{{"subscribe", true}, {"listChanged", true}}},
             {"tools", json::object{{"listChanged", true}}},
         };
         co_return Outcome::ok(json::object{
             {"protocolVersion", ctx.protocol_version()},
             {"capabilities", std::move(capabilities)},
             {"serverInfo", json::object{{"name", identity.name}, {"version", identity.version}}},
         });
       },
       false});

  d.on_request(protocol::method::kPing,
               {[](RequestContext&, const json::object&) -> awaitable<Outcome> {
                  co_return Outcome::ok(json::object{});
                },
                false});

  d.on_request(protocol::method::kLoggingSetLevel,
               {[](RequestContext& ctx, const json::object& params) -> awaitable<Outcome> {
                  auto it = params.find("level");
                  if (it == params.end() || !it->value().is_string() ||
                      !is_log_level(it->value().get_string()))
                    co_return Outcome::fail(jsonrpc::kInvalidParams,
                                            "Invalid params: level must be one of debug, info, "
                                            "notice, warning, error, critical, alert, emergency");
                  if (!ctx.session()) co_return Outcome::ok(json::object{});
                  const std::string level(it->value().get_string());
                  ctx.session()->set_log_level(level);
                  // The session's upstreams log at the client's level too (those it opens later
                  // get it before their first request).
                  for (const auto& upstream : ctx.session()->upstreams().current())
                    if (auto why = co_await upstream->apply_log_level(level); why)
                      spdlog::info("request {}: logging level {} not applied on upstream {}: {}",
                                   ctx.log_id(), level, upstream->endpoint().name, why->text());
                  co_return Outcome::ok(json::object{});
                },
                false});

  d.on_request(protocol::method::kToolsList,
               {list_handler(catalog, gateway::ItemKind::tool, "tools"), false});
  d.on_request(protocol::method::kResourcesList,
               {list_handler(catalog, gateway::ItemKind::resource, "resources"), false});
  d.on_request(
      protocol::method::kResourceTemplatesList,
      {list_handler(catalog, gateway::ItemKind::resource_template, "resourceTemplates"), false});
  d.on_request(protocol::method::kPromptsList,
               {list_handler(catalog, gateway::ItemKind::prompt, "prompts"), false});

  d.on_notification(protocol::notification::kInitialized,
                    [](RequestContext& ctx, const json::object&) {
                      if (ctx.session()) ctx.session()->mark_initialized();
                    });
  d.on_notification(protocol::notification::kCancelled,
                    [](RequestContext& ctx, const json::object& params) {
                      auto it = params.find("requestId");
                      if (ctx.session() && it != params.end())
                        ctx.session()->cancel_request(it->value());
                    });
}

}  // namespace mcpgw::mcp
