// The ScaleIO gateway port: everything reconcilers and the observer ask of the gateway.
// adapters/scaleio implements it over REST; tests implement it as fakes.
//
// Error codes (see core/status.h) say what to do next:
//   kUnavailable        gateway down, 5xx, connection refused: retry later with backoff
//   kDeadlineExceeded   no answer in time (for a mutation the outcome is unknown: observe first)
//   kNotFound           the object (or the SDC a mapping needs) does not exist
//   kAlreadyExists      a name or address clash that could not be adopted
//   kInvalidArgument    the request was malformed, or the gateway's answer could not be read
//   kFailedPrecondition the MDM refused in this state (not empty, would break quorum, TLS refused)
//   kResourceExhausted  not enough capacity
//   kUnauthenticated    the credentials were refused
// Creates are idempotent: a create whose name is already taken returns the existing object's id.
// "Already mapped" on map and "not found" on a removal count as success.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/scaleio_types.h"
#include "core/status.h"

namespace scaleio {

class GatewayClient {
 public:
  virtual ~GatewayClient() = default;

  // "2.0.1" (quotes stripped).
  virtual Result<std::string> version() = 0;

  // --- reads ---------------------------------------------------------------------------------
  // Everything in one call (GET /api/instances), SDS devices filled in.
  virtual Result<sio::Inventory> query_instances() = 0;
  // The System (with its MDM cluster); nullopt before the MDM cluster exists.
  virtual Result<std::optional<sio::System>> system() = 0;
  virtual Result<std::vector<sio::ProtectionDomain>> list_protection_domains() = 0;
  virtual Result<std::vector<sio::FaultSet>> list_fault_sets() = 0;
  virtual Result<std::vector<sio::StoragePool>> list_storage_pools() = 0;
  // SDSs with their devices.
  virtual Result<std::vector<sio::Sds>> list_sds() = 0;
  virtual Result<std::vector<sio::Device>> list_devices() = 0;
  virtual Result<std::vector<sio::Sdc>> list_sdcs() = 0;
  virtual Result<std::vector<sio::Volume>> list_volumes() = 0;
  // Capacity of the given pools (all pools when `pool_ids` is empty), by pool id.
  virtual Result<std::map<std::string, sio::PoolStatistics>> pool_statistics(
      const std::vector<std::string>& pool_ids) = 0;

  // --- creates (idempotent by name; return the id) ---------------------------------------------
  virtual Result<std::string> create_protection_domain(const std::string& name) = 0;
  virtual Result<std::string> create_fault_set(const std::string& protection_domain_id,
                                               const std::string& name) = 0;
  virtual Result<std::string> create_storage_pool(const sio::NewStoragePool& pool) = 0;
  virtual Result<std::string> create_sds(const sio::NewSds& sds) = 0;
  virtual Result<std::string> add_device(const sio::NewDevice& device) = 0;
  virtual Result<std::string> create_volume(const sio::NewVolume& volume) = 0;

  // --- changes -------------------------------------------------------------------------------
  virtual Status map_volume(const std::string& volume_id, const std::string& sdc_id,
                            bool allow_multiple_mappings) = 0;
  virtual Status unmap_volume(const std::string& volume_id, const std::string& sdc_id) = 0;
  virtual Status set_sdc_name(const std::string& sdc_id, const std::string& name) = 0;
  // The gateway rounds up to a multiple of 8 GB; a volume never shrinks.
  virtual Status set_volume_size(const std::string& volume_id, int64_t size_gb) = 0;

  // --- removals (NotFound counts as done) ------------------------------------------------------
  virtual Status remove_protection_domain(const std::string& id) = 0;
  virtual Status remove_fault_set(const std::string& id) = 0;
  virtual Status remove_storage_pool(const std::string& id) = 0;
  virtual Status remove_sds(const std::string& id) = 0;
  virtual Status remove_device(const std::string& id) = 0;
  virtual Status remove_volume(const std::string& id) = 0;
  virtual Status remove_sdc(const std::string& id) = 0;

  // --- MDM cluster ---------------------------------------------------------------------------
  // Returns the new standby's id; a standby already known by the same name is adopted.
  virtual Result<std::string> add_standby_mdm(const sio::NewStandbyMdm& mdm) = 0;
  virtual Status remove_standby_mdm(const std::string& id) = 0;
  virtual Status switch_cluster_mode(const sio::ClusterModeChange& change) = 0;
};

}  // namespace scaleio
