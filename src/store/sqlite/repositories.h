#pragma once
// Inside the SQLite engine: the repositories SqliteCatalogStore is made of, one .cpp each. Every
// call takes a pooled connection for its duration only (prepared statements stay cached on it)
// and throws only the store's errors.
#include "store/catalog_store.h"
#include "store/database.h"

namespace mcpgw::store::sqlite {

class SqliteCatalogReader final : public CatalogReader {
 public:
  explicit SqliteCatalogReader(ConnectionPool& pool) : pool_(pool) {}
  CatalogRows read_catalog() override;

 private:
  ConnectionPool& pool_;
};

class SqliteDiscoveryWriter final : public DiscoveryWriter {
 public:
  explicit SqliteDiscoveryWriter(ConnectionPool& pool) : pool_(pool) {}
  DiscoveryResult store_discovery(
      const std::string& gateway_id,
      const std::function<Discovery(const std::string& slug)>& describe) override;
  void record_status(const std::string& gateway_id, const std::string& status,
                     const std::string& error, bool seen) override;

 private:
  ConnectionPool& pool_;
};

class SqliteToolRepository final : public ToolRepository {
 public:
  explicit SqliteToolRepository(ConnectionPool& pool) : pool_(pool) {}
  std::vector<ToolRecord> page(const ListQuery& q) override;
  std::optional<ToolRecord> find(const std::string& id) override;
  std::optional<ToolRecord> save(const std::string& id, bool create, const Decide& decide) override;
  bool remove(const std::string& id) override;

 private:
  ConnectionPool& pool_;
};

class SqliteServerRepository final : public ServerRepository {
 public:
  explicit SqliteServerRepository(ConnectionPool& pool) : pool_(pool) {}
  std::vector<ServerRecord> page(const ListQuery& q) override;
  std::optional<ServerRecord> find(const std::string& id) override;
  std::optional<ServerRecord> save(const std::string& id, bool create,
                                   const Decide& decide) override;
  bool remove(const std::string& id) override;

 private:
  ConnectionPool& pool_;
};

class SqliteGatewayRepository final : public GatewayRepository {
 public:
  explicit SqliteGatewayRepository(ConnectionPool& pool) : pool_(pool) {}
  std::vector<GatewayRecord> page(const ListQuery& q) override;
  std::optional<GatewayRecord> find(const std::string& id) override;
  std::optional<GatewayRecord> save(const std::string& id, bool create,
                                    const Decide& decide) override;
  bool remove(const std::string& id) override;

 private:
  ConnectionPool& pool_;
};

class SqliteResourceRepository final : public ResourceRepository {
 public:
  explicit SqliteResourceRepository(ConnectionPool& pool) : pool_(pool) {}
  std::vector<ResourceRecord> page(const ListQuery& q) override;
  std::optional<ResourceRecord> find(const std::string& id) override;
  std::optional<ResourceRecord> set_enabled(const std::string& id, bool enabled) override;

 private:
  ConnectionPool& pool_;
};

class SqlitePromptRepository final : public PromptRepository {
 public:
  explicit SqlitePromptRepository(ConnectionPool& pool) : pool_(pool) {}
  std::vector<PromptRecord> page(const ListQuery& q) override;
  std::optional<PromptRecord> find(const std::string& id) override;
  std::optional<PromptRecord> set_enabled(const std::string& id, bool enabled) override;

 private:
  ConnectionPool& pool_;
};

// DELETE FROM <table> WHERE id = ?: true when a row went.
bool delete_by_id(ConnectionPool& pool, const std::string& sql, const std::string& id);

}  // namespace mcpgw::store::sqlite
