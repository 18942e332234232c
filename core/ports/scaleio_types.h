// Plain values for what the ScaleIO gateway reports and accepts (see
// shared/design/scaleio-gateway-api.md). No transport types: reconcilers, the observer and test
// fakes use these; adapters/scaleio turns them into and out of the gateway's JSON.
//
// Conventions: an unset id is "" (the gateway's null and "0000000000000000" both become ""); sizes
// are in KiB as the gateway counts them; state strings are the gateway's own words ("Normal",
// "Connected", "ClusteredNormal"), kept verbatim because some values are UNVERIFIED.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace scaleio::sio {

inline constexpr int64_t kKbPerGb = 1024 * 1024;

struct MdmMember {
  std::string id;
  std::string name;
  std::vector<std::string> ips;
  std::vector<std::string> management_ips;
  std::string role;    // "Manager" or "TieBreaker"
  std::string status;  // "Normal" when healthy
  int port = 0;
  std::string version_info;
  bool operator==(const MdmMember&) const = default;
};

struct MdmCluster {
  std::string id;
  std::string name;
  std::string mode;   // "OneNode", "ThreeNodes", "FiveNodes"
  std::string state;  // "ClusteredNormal", "ClusteredDegraded", ..., "NotClustered"
  int good_nodes = 0;
  int good_replicas = 0;
  MdmMember master;
  std::vector<MdmMember> slaves;
  std::vector<MdmMember> tie_breakers;
  std::vector<MdmMember> standbys;
  bool operator==(const MdmCluster&) const = default;
};

struct System {
  std::string id;
  std::string name;
  std::string version_name;
  std::optional<MdmCluster> mdm_cluster;  // absent on gateways that do not report it
  bool operator==(const System&) const = default;
};

struct ProtectionDomain {
  std::string id;
  std::string name;
  std::string state;  // "Active" / "Inactive"
  bool operator==(const ProtectionDomain&) const = default;
};

struct FaultSet {
  std::string id;
  std::string name;
  std::string protection_domain_id;
  bool operator==(const FaultSet&) const = default;
};

struct StoragePool {
  std::string id;
  std::string name;
  std::string protection_domain_id;
  std::string media_type;  // "HDD" / "SSD"
  int spare_percentage = 0;
  bool zero_padding_enabled = false;
  bool operator==(const StoragePool&) const = default;
};

struct Device {
  std::string id;
  std::string name;
  std::string path;  // deviceCurrentPathName
  std::string sds_id;
  std::string storage_pool_id;
  std::string state;        // "Normal", "InitialTest", ...
  std::string error_state;  // "None" when fine
  int64_t capacity_limit_kb = 0;
  int64_t max_capacity_kb = 0;
  bool operator==(const Device&) const = default;
};

struct SdsIp {
  std::string ip;
  std::string role = "all";  // "all", "sdcOnly", "sdsOnly"
  bool operator==(const SdsIp&) const = default;
};

struct Sds {
  std::string id;
  std::string name;
  std::string protection_domain_id;
  std::string fault_set_id;
  std::vector<SdsIp> ips;
  int port = 0;
  std::string state;             // sdsState: "Normal", or the removal state
  std::string membership_state;  // "Joined", "JoinPending"
  std::string connection_state;  // mdmConnectionState: "Connected" / "Disconnected"
  std::vector<Device> devices;   // filled by list calls that also read devices
  bool operator==(const Sds&) const = default;
};

struct Sdc {
  std::string id;
  std::string name;
  std::string ip;  // "" when the gateway says "N/A" (disconnected)
  std::string guid;
  bool approved = false;
  std::string connection_state;  // "Connected" / "Disconnected"
  bool operator==(const Sdc&) const = default;
};

struct VolumeMapping {
  std::string sdc_id;
  std::string sdc_ip;
  bool operator==(const VolumeMapping&) const = default;
};

struct Volume {
  std::string id;
  std::string name;
  int64_t size_kb = 0;
  std::string storage_pool_id;
  std::string type;  // "ThinProvisioned" / "ThickProvisioned"
  std::vector<VolumeMapping> mappings;
  bool operator==(const Volume&) const = default;
};

struct PoolStatistics {
  int64_t max_capacity_kb = 0;
  int64_t capacity_in_use_kb = 0;
  int64_t unused_capacity_kb = 0;
  int64_t spare_capacity_kb = 0;
  int64_t failed_capacity_kb = 0;
  int64_t thin_allocated_kb = 0;
  int64_t devices = 0;
  int64_t volumes = 0;
  bool operator==(const PoolStatistics&) const = default;
};

// Everything at once (GET /api/instances), SDS devices filled in.
struct Inventory {
  std::optional<System> system;  // absent before the MDM cluster exists
  std::vector<ProtectionDomain> protection_domains;
  std::vector<FaultSet> fault_sets;
  std::vector<StoragePool> storage_pools;
  std::vector<Sds> sdss;
  std::vector<Device> devices;
  std::vector<Sdc> sdcs;
  std::vector<Volume> volumes;
  bool operator==(const Inventory&) const = default;
};

// --- create requests ------------------------------------------------------------------------
// Names make creates idempotent: a create whose name is already taken adopts the existing object.

struct NewStoragePool {
  std::string name;
  std::string protection_domain_id;
  std::string media_type;               // "" = gateway default
  std::optional<int> spare_percentage;  // unset = gateway default
  std::optional<bool> zero_padding_enabled;
};

struct NewSdsDevice {
  std::string path;
  std::string storage_pool_id;
  std::string name;  // optional
};

struct NewSds {
  std::string name;
  std::string protection_domain_id;
  std::string fault_set_id;  // optional
  std::vector<SdsIp> ips;    // one of them must have role "all"
  std::optional<int> port;
  std::vector<NewSdsDevice> devices;
};

struct NewDevice {
  std::string path;
  std::string sds_id;
  std::string storage_pool_id;
  std::string name;  // optional; without it an "already in use" is adopted by path on the SDS
};

struct NewVolume {
  std::string name;
  std::string protection_domain_id;  // optional
  std::string storage_pool_id;
  int64_t size_kb = 0;
  bool thin = true;
};

struct NewStandbyMdm {
  std::vector<std::string> ips;
  std::string role = "Manager";  // "Manager" or "TieBreaker"
  std::string name;
  std::vector<std::string> management_ips;
};

// switchClusterMode; the lists hold MDM ids.
struct ClusterModeChange {
  std::string mode;  // "OneNode", "ThreeNodes", "FiveNodes"
  std::vector<std::string> add_slaves;
  std::vector<std::string> add_tie_breakers;
  std::vector<std::string> remove_slaves;
  std::vector<std::string> remove_tie_breakers;
};

}  // namespace scaleio::sio
