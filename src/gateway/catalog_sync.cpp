#include "gateway/catalog_sync.h"

#include <spdlog/spdlog.h>

#include "store/errors.h"

namespace mcpgw::gateway {

CatalogSync::CatalogSync(store::CatalogReader& reader, CatalogService& catalog,
                         std::string credentials_key, store::ChangeFeed* feed, std::string node_id)
    : reader_(reader),
      catalog_(catalog),
      credentials_key_(std::move(credentials_key)),
      feed_(feed),
      node_id_(std::move(node_id)) {}

CatalogSync::~CatalogSync() = default;

void CatalogSync::reload() {
  std::lock_guard lock(mutex_);
  catalog_.publish(load_catalog(reader_, credentials_key_));
}

void CatalogSync::republish() {
  // Numbered first, so that this snapshot and every node's next one carry the change's number.
  if (feed_) reader_.mark_changed();
  reload();
  if (!feed_) return;
  try {
    feed_->publish(kChannel, node_id_);
  } catch (const store::DatabaseError& e) {
    spdlog::error("catalog changed here, but the other nodes were not told: {}", e.what());
  }
}

void CatalogSync::start() {
  if (!feed_) return;
  feed_->subscribe(kChannel, [this](const std::string&, const std::string& from) {
    if (from == node_id_) return;  // this node's own change, published already
    try {
      reload();
      spdlog::debug("catalog reloaded ({})", from.empty() ? "feed connected" : "node " + from);
    } catch (const std::exception& e) {
      spdlog::error("catalog reload after another node's change failed: {}", e.what());
    }
  });
}

}  // namespace mcpgw::gateway
