#pragma once
// Keeps this node's catalog snapshot equal to the database: a write here republishes it and tells
// the other nodes of the database (store::ChangeFeed); a change another node announced reloads it
// here, and so reaches this node's sessions and listen streams as list_changed. Without a feed
// (SQLite: one node) it only republishes.
#include <mutex>
#include <string>

#include "gateway/catalog.h"
#include "store/catalog_reader.h"
#include "store/change_feed.h"

namespace mcpgw::gateway {

class CatalogSync {
 public:
  // node_id (random per run, not a secret) tells this node's own announcements apart: they
  // need no reload here.
  CatalogSync(store::CatalogReader& reader, CatalogService& catalog, std::string credentials_key,
              store::ChangeFeed* feed, std::string node_id);
  ~CatalogSync();
  CatalogSync(const CatalogSync&) = delete;
  CatalogSync& operator=(const CatalogSync&) = delete;

  // After a committed write: rebuilds the snapshot from the database, publishes it, then
  // announces the change. Blocking: call it off the I/O threads. A failed announcement is logged
  // (the other nodes catch up at their next reload); a failed load throws.
  void republish();
  // Rebuilds and publishes the snapshot without announcing it. Blocking.
  void reload();
  // Subscribes to the other nodes' announcements (each reloads here), before the feed starts;
  // a no-op without a feed.
  void start();

  static constexpr const char* kChannel = "mcpgw_catalog";

 private:
  store::CatalogReader& reader_;
  CatalogService& catalog_;
  const std::string credentials_key_;
  store::ChangeFeed* feed_;
  const std::string node_id_;
  // Load and publish under one lock: a snapshot read before another's write can never be
  // published after that write's snapshot.
  std::mutex mutex_;
};

}  // namespace mcpgw::gateway
