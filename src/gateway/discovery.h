#pragma once
// Discovery of one upstream MCP server: what it offers (its tools, resources, resource templates
// and prompts, listed page by page), and the store's records of that under the gateway's slug:
// names and URIs federated, everything else as the upstream gave it.
#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

#include "gateway/federation.h"
#include "gateway/upstream_session.h"

namespace mcpgw::store {
class DiscoveryWriter;
}

namespace mcpgw::gateway {

// What an upstream offers, as it gave it.
struct Offerings {
  boost::json::array tools, resources, resource_templates, prompts;
  boost::json::object capabilities, server_info;
  std::string protocol_version;
};

// Lists, on an initialized session, each kind of item its capabilities announce, every page.
// Why it failed; empty when it did not.
boost::asio::awaitable<std::string> list_offerings(UpstreamSession& s, Offerings& out);

// Writes one discovery through the store, in one transaction. Items without a name (or URI)
// are left out.
DiscoveryReport store_discovery(store::DiscoveryWriter& writer, const std::string& gateway_id,
                                const std::string& separator, const Offerings& offered);

}  // namespace mcpgw::gateway
