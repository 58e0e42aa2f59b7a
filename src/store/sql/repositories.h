#pragma once
// Inside the store: the repositories SqlCatalogStore is made of, one .cpp each, written once for
// every engine against store/sql/connection.h. Every call takes a pooled connection for its
// duration only (prepared statements stay cached on it) and throws only the store's errors.
#include "store/catalog_store.h"
#include "store/sql/connection.h"

namespace mcpgw::store::sql {

class SqlCatalogReader final : public CatalogReader {
 public:
  explicit SqlCatalogReader(Pool& pool) : pool_(pool) {}
  CatalogRows read_catalog() override;
  void mark_changed() override;

 private:
  Pool& pool_;
};

class SqlDiscoveryWriter final : public DiscoveryWriter {
 public:
  explicit SqlDiscoveryWriter(Pool& pool) : pool_(pool) {}
  DiscoveryResult store_discovery(
      const std::string& gateway_id,
      const std::function<Discovery(const std::string& slug)>& describe) override;
  void record_status(const std::string& gateway_id, const std::string& status,
                     const std::string& error, bool seen) override;

 private:
  Pool& pool_;
};

class SqlToolRepository final : public ToolRepository {
 public:
  explicit SqlToolRepository(Pool& pool) : pool_(pool) {}
  std::vector<ToolRecord> page(const ListQuery& q) override;
  std::optional<ToolRecord> find(const std::string& id) override;
  std::optional<ToolRecord> save(const std::string& id, bool create, const Decide& decide) override;
  bool remove(const std::string& id) override;

 private:
  Pool& pool_;
};

class SqlServerRepository final : public ServerRepository {
 public:
  explicit SqlServerRepository(Pool& pool) : pool_(pool) {}
  std::vector<ServerRecord> page(const ListQuery& q) override;
  std::optional<ServerRecord> find(const std::string& id) override;
  std::optional<ServerRecord> save(const std::string& id, bool create,
                                   const Decide& decide) override;
  bool remove(const std::string& id) override;

 private:
  Pool& pool_;
};

class SqlGatewayRepository final : public GatewayRepository {
 public:
  explicit SqlGatewayRepository(Pool& pool) : pool_(pool) {}
  std::vector<GatewayRecord> page(const ListQuery& q) override;
  std::optional<GatewayRecord> find(const std::string& id) override;
  std::optional<GatewayRecord> save(const std::string& id, bool create,
                                    const Decide& decide) override;
  bool remove(const std::string& id) override;

 private:
  Pool& pool_;
};

class SqlResourceRepository final : public ResourceRepository {
 public:
  explicit SqlResourceRepository(Pool& pool) : pool_(pool) {}
  std::vector<ResourceRecord> page(const ListQuery& q) override;
  std::optional<ResourceRecord> find(const std::string& id) override;
  std::optional<ResourceRecord> set_enabled(const std::string& id, bool enabled) override;

 private:
  Pool& pool_;
};

class SqlPromptRepository final : public PromptRepository {
 public:
  explicit SqlPromptRepository(Pool& pool) : pool_(pool) {}
  std::vector<PromptRecord> page(const ListQuery& q) override;
  std::optional<PromptRecord> find(const std::string& id) override;
  std::optional<PromptRecord> set_enabled(const std::string& id, bool enabled) override;

 private:
  Pool& pool_;
};

class SqlPolicyRepository final : public PolicyRepository {
 public:
  explicit SqlPolicyRepository(Pool& pool) : pool_(pool) {}
  std::vector<PolicyRecord> page(const ListQuery& q) override;
  std::optional<PolicyRecord> find(const std::string& id) override;
  std::optional<PolicyRecord> save(const std::string& id, bool create,
                                   const Decide& decide) override;
  bool remove(const std::string& id) override;

 private:
  Pool& pool_;
};

// DELETE FROM <table> WHERE id = ?: true when a row went.
bool delete_by_id(Pool& pool, const std::string& sql, const std::string& id);

// JSON array text of strings, and back (a malformed text reads as no strings).
std::string to_json_array(const std::vector<std::string>& items);
std::vector<std::string> from_json_array(const std::string& text);

}  // namespace mcpgw::store::sql
