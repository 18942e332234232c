// A GatewayClient straight over the simulated ScaleioWorld (no HTTP): the System with its MDM
// cluster as the REST gateway shows it, and the MDM calls. Storage calls answer Unavailable:
// the quorum reconciler never makes them.
#pragma once

#include "core/ports/gateway_client.h"
#include "sim/gateway/scaleio_world.h"

namespace scaleio::reconcilers::testing {

class WorldGateway final : public GatewayClient {
 public:
  explicit WorldGateway(sim::ScaleioWorld& world) : world_(world) {}

  // Every MDM call made, in order ("add_standby_mdm", "switch_cluster_mode", ...).
  const std::vector<std::string>& calls() const { return calls_; }

  Result<std::string> version() override { return std::string("2.0.1"); }
  Result<sio::Inventory> query_instances() override;
  Result<std::optional<sio::System>> system() override;
  Result<std::vector<sio::ProtectionDomain>> list_protection_domains() override { return none(); }
  Result<std::vector<sio::FaultSet>> list_fault_sets() override { return none(); }
  Result<std::vector<sio::StoragePool>> list_storage_pools() override { return none(); }
  Result<std::vector<sio::Sds>> list_sds() override { return none(); }
  Result<std::vector<sio::Device>> list_devices() override { return none(); }
  Result<std::vector<sio::Sdc>> list_sdcs() override { return none(); }
  Result<std::vector<sio::Volume>> list_volumes() override { return none(); }
  Result<std::map<std::string, sio::PoolStatistics>> pool_statistics(
      const std::vector<std::string>&) override {
    return none();
  }
  Result<std::string> create_protection_domain(const std::string&) override { return none(); }
  Result<std::string> create_fault_set(const std::string&, const std::string&) override {
    return none();
  }
  Result<std::string> create_storage_pool(const sio::NewStoragePool&) override { return none(); }
  Result<std::string> create_sds(const sio::NewSds&) override { return none(); }
  Result<std::string> add_device(const sio::NewDevice&) override { return none(); }
  Result<std::string> create_volume(const sio::NewVolume&) override { return none(); }
  Status map_volume(const std::string&, const std::string&, bool) override { return none(); }
  Status unmap_volume(const std::string&, const std::string&) override { return none(); }
  Status set_sdc_name(const std::string&, const std::string&) override { return none(); }
  Status set_volume_size(const std::string&, int64_t) override { return none(); }
  Status remove_protection_domain(const std::string&) override { return none(); }
  Status remove_fault_set(const std::string&) override { return none(); }
  Status remove_storage_pool(const std::string&) override { return none(); }
  Status remove_sds(const std::string&) override { return none(); }
  Status remove_device(const std::string&) override { return none(); }
  Status remove_volume(const std::string&) override { return none(); }
  Status remove_sdc(const std::string&) override { return none(); }

  Result<std::string> add_standby_mdm(const sio::NewStandbyMdm& mdm) override;
  Status remove_standby_mdm(const std::string& id) override;
  Status switch_cluster_mode(const sio::ClusterModeChange& change) override;

 private:
  static Status none() { return unavailable("not served by the MDM test gateway"); }

  sim::ScaleioWorld& world_;
  std::vector<std::string> calls_;
};

}  // namespace scaleio::reconcilers::testing
