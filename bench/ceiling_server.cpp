// Minimal Beast HTTP/1.1 server answering every request with 200 and {"status":"ok"} (or the
// bytes of BODY_FILE): the ceiling mcpgw is measured against, with the same library, threads
// and machine. With BODY_FILE it stands for "the same response bytes, without any MCP work".
// Usage: bench_ceiling PORT [THREADS] [BODY_FILE]   (PORT 0: any free port; the port is printed)
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "bench_server.h"

static std::string g_body = R"({"status":"ok"})";

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: bench_ceiling PORT [THREADS] [BODY_FILE]\n";
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int threads =
      argc > 2 ? std::atoi(argv[2]) : static_cast<int>(std::thread::hardware_concurrency());
  if (argc > 3) {
    std::ifstream in(argv[3], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    g_body = ss.str();
  }
  return bench::serve(port, threads, [](const bench::Request&, bench::Response& res) {
    res.set(bench::http::field::content_type, "application/json");
    res.body() = g_body;
  });
}
