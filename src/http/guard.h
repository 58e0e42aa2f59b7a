#pragma once
// Who may use a route is decided above http (auth/route_guard.h): the server asks its guard before
// it runs the handler of any route that is not open.
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
  };
  // Admits the request (setting ctx.caller) or refuses it.
  virtual Verdict admit(const Access& access, Exchange& ctx) const = 0;
};

}  // namespace mcpgw::http
