// GatewayClient over the gateway's REST API (Beast + OpenSSL). Creates are made idempotent
// here: a name (or address) clash is resolved by looking the object up and adopting it, which
// is also what makes it safe to retry a create whose first answer was lost.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "adapters/scaleio/rest_session.h"
#include "core/ports/gateway_client.h"

namespace scaleio::gateway {

struct GatewayClientOptions : SessionOptions {};

class HttpGatewayClient final : public GatewayClient {
 public:
  static Result<std::unique_ptr<HttpGatewayClient>> create(GatewayClientOptions options);
  // The same client over another transport (the in-process simulated gateway of sim/in_process).
  static Result<std::unique_ptr<HttpGatewayClient>> create_with_transport(
      GatewayClientOptions options, std::unique_ptr<HttpTransport> transport);

  Result<std::string> version() override;
  Result<sio::Inventory> query_instances() override;
  Result<std::optional<sio::System>> system() override;
  Result<std::vector<sio::ProtectionDomain>> list_protection_domains() override;
  Result<std::vector<sio::FaultSet>> list_fault_sets() override;
  Result<std::vector<sio::StoragePool>> list_storage_pools() override;
  Result<std::vector<sio::Sds>> list_sds() override;
  Result<std::vector<sio::Device>> list_devices() override;
  Result<std::vector<sio::Sdc>> list_sdcs() override;
  Result<std::vector<sio::Volume>> list_volumes() override;
  Result<std::map<std::string, sio::PoolStatistics>> pool_statistics(
      const std::vector<std::string>& pool_ids) override;

  Result<std::string> create_protection_domain(const std::string& name) override;
  Result<std::string> create_fault_set(const std::string& protection_domain_id,
                                       const std::string& name) override;
  Result<std::string> create_storage_pool(const sio::NewStoragePool& pool) override;
  Result<std::string> create_sds(const sio::NewSds& sds) override;
  Result<std::string> add_device(const sio::NewDevice& device) override;
  Result<std::string> create_volume(const sio::NewVolume& volume) override;

  Status map_volume(const std::string& volume_id, const std::string& sdc_id,
                    bool allow_multiple_mappings) override;
  Status unmap_volume(const std::string& volume_id, const std::string& sdc_id) override;
  Status set_sdc_name(const std::string& sdc_id, const std::string& name) override;
  Status set_volume_size(const std::string& volume_id, int64_t size_gb) override;

  Status remove_protection_domain(const std::string& id) override;
  Status remove_fault_set(const std::string& id) override;
  Status remove_storage_pool(const std::string& id) override;
  Status remove_sds(const std::string& id) override;
  Status remove_device(const std::string& id) override;
  Status remove_volume(const std::string& id) override;
  Status remove_sdc(const std::string& id) override;

  Result<std::string> add_standby_mdm(const sio::NewStandbyMdm& mdm) override;
  Status remove_standby_mdm(const std::string& id) override;
  Status switch_cluster_mode(const sio::ClusterModeChange& change) override;

  RestSession& session() { return *session_; }
  // For the daemon's readiness and metrics, not part of the GatewayClient port: the request
  // waiting longest for the gateway right now (nullopt when none is).
  std::optional<InFlightRequest> oldest_in_flight() const { return session_->oldest_in_flight(); }

 private:
  explicit HttpGatewayClient(std::unique_ptr<RestSession> session);

  template <typename T>
  Result<std::vector<T>> list(const std::string& type, T (*parse)(const nlohmann::json&));
  // POST /types/{T}/instances; on "already in use" calls `adopt` for the existing object's id.
  Result<std::string> create(const std::string& type, const nlohmann::json& body, bool idempotent,
                             const std::function<Result<std::string>()>& adopt);
  Status action(const std::string& type, const std::string& id, const std::string& action,
                const nlohmann::json& body);
  Status remove(const std::string& type, const std::string& id,
                const nlohmann::json& body = nlohmann::json::object());
  Result<std::string> system_id();

  std::unique_ptr<RestSession> session_;
  std::atomic<bool> instances_unsupported_{false};
};

}  // namespace scaleio::gateway
