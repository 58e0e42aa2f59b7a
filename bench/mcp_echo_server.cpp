// A minimal MCP server for benchmarks: streamable HTTP without sessions, answering in JSON.
// initialize, ping, tools/list (one tool, "echo") and tools/call echo; notifications get 202, GET
// gets 405. It stands for an upstream that costs next to nothing, so that what mcpgw adds to a
// relayed call shows. Usage: bench_mcp_echo PORT [THREADS]   (PORT 0: any free port; printed)
#include <boost/json.hpp>
#include <cstdlib>

#include "bench_server.h"

namespace json = boost::json;
namespace http = bench::http;

namespace {

json::value result_for(const std::string& method, const json::object& params) {
  if (method == "initialize")
    return json::object{{"protocolVersion", "2025-11-25"},
                        {"capabilities", json::object{{"tools", json::object{}}}},
                        {"serverInfo", json::object{{"name", "bench-echo"}, {"version", "1"}}}};
  if (method == "tools/list")
    return json::object{
        {"tools",
         json::array{json::object{
             {"name", "echo"},
             {"description", "Echoes the message"},
             {"inputSchema",
              json::object{
                  {"type", "object"},
                  {"properties", json::object{{"message", json::object{{"type", "string"}}}}}}}}}}};
  if (method == "tools/call") {
    std::string text = "Echo: ";
    if (auto a = params.if_contains("arguments"); a && a->is_object())
      if (auto m = a->get_object().if_contains("message"); m && m->is_string())
        text += m->get_string();
    return json::object{
        {"content", json::array{json::object{{"type", "text"}, {"text", std::move(text)}}}}};
  }
  return json::object{};  // ping and the rest
}

void answer(const bench::Request& req, bench::Response& res) {
  if (req.method() != http::verb::post) {
    res.result(http::status::method_not_allowed);
    return;
  }
  boost::system::error_code jec;
  json::value v = json::parse(req.body(), jec);
  const json::object* o = !jec && v.is_object() ? &v.get_object() : nullptr;
  const json::value* id = o ? o->if_contains("id") : nullptr;
  const json::value* method = o ? o->if_contains("method") : nullptr;
  if (!id || !method || !method->is_string()) {
    res.result(http::status::accepted);
    return;
  }
  static const json::object kNone;
  const json::value* params = o->if_contains("params");
  res.set(http::field::content_type, "application/json");
  res.body() = json::serialize(json::object{
      {"jsonrpc", "2.0"},
      {"id", *id},
      {"result", result_for(std::string(method->get_string()),
                            params && params->is_object() ? params->get_object() : kNone)}});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_mcp_echo PORT [THREADS]\n";
    return 2;
  }
  return bench::serve(static_cast<unsigned short>(std::atoi(argv[1])),
                      argc > 2 ? std::atoi(argv[2]) : 1, answer);
}
