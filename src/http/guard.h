#pragma once
// Who may use a route is decided above http (auth/route_guard.h): the server asks its guard before
// it runs the handler of any route that is not open.
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "http/message.h"

namespace mcpgw::http {

class Guard {
 public:
  virtual ~Guard() = default;
  struct Verdict {
    std::optional<Response> refusal;  // sent instead of running the handler
    std::string subject;              // for the access log
    // Undecided: the decision needs a blocking read (an API token not in the cache), which
    // admit_blocking makes off the I/O threads.
    bool blocking = false;
  };
  // Admits the request (setting ctx.caller) or refuses it, on the I/O thread, without blocking.
  virtual Verdict admit(const Access& access, Exchange& ctx) const = 0;
  // The same decision, when admit could not make it without blocking.
  virtual boost::asio::awaitable<Verdict> admit_blocking(const Access& access,
                                                         Exchange& ctx) const {
    co_return admit(access, ctx);
  }
};

}  // namespace mcpgw::http
