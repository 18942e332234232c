// The simulated ScaleIO system: nodes with installed packages, the MDM cluster and every storage
// object, with ScaleIO's rules (quorum, SDS/SDC reachability, capacity, timed joins and
// rebalances).
//
// Deterministic by construction: time comes only from the injected Clock (and tick), randomness
// only from the injected seeded generator; no sockets, no sleeps, no threads. The REST gateway
// (GatewayService) and the Mesos task side (scaleio-node verbs) are two views of this one world.
#pragma once

#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/status.h"
#include "sim/gateway/id_generator.h"
#include "sim/gateway/mdm_error.h"
#include "sim/gateway/world_types.h"

namespace scaleio::sim {

struct WorldOptions {
  // Simulated delays are divided by this factor (scaleio-sim --time-scale).
  double time_scale = 1.0;
  Clock::Duration sds_join_delay = std::chrono::seconds(5);
  Clock::Duration device_test_delay = std::chrono::seconds(10);
  // A rebalance after removing an SDS takes base + (data on the SDS) / rate.
  Clock::Duration rebalance_base = std::chrono::seconds(30);
  int64_t rebalance_kb_per_second = 200 * 1024;
  int64_t default_device_capacity_kb = 100 * kKbPerGb;
  // Thin-provisioning rule: a thin volume is taken to have written this share of its size.
  int thin_written_percent = 25;
  // UNVERIFIED values, configurable so they can be matched to a real gateway.
  std::string sds_removing_state = "RemovePending";
  std::string one_node_cluster_state = "NotClustered";
  std::string version_info = "R2_0.6035.0";
};

struct MdmCluster {
  std::string id;
  ClusterMode mode = ClusterMode::kOneNode;
  std::string master_id;
  std::vector<std::string> slave_ids;
  std::vector<std::string> tie_breaker_ids;
  std::vector<std::string> standby_ids;
  std::map<std::string, MdmMember> members;  // every MDM the cluster knows, standbys included
};

struct NewDevice {
  std::string path;
  std::string sds_id;
  std::string storage_pool_id;
  std::string name;
};

struct NewSds {
  std::string name;
  std::string protection_domain_id;
  std::string fault_set_id;
  std::vector<SdsIp> ips;
  int port = 7072;
  std::vector<NewDevice> devices;  // sds_id is filled in by add_sds
};

struct NewVolume {
  std::string name;
  std::string protection_domain_id;  // optional; must match the pool's when given
  std::string storage_pool_id;
  int64_t size_kb = 0;
  bool thin = true;
};

struct Capacity {
  int64_t max_kb = 0;     // raw capacity of usable devices
  int64_t spare_kb = 0;   // reserved for rebuilds (pool spare percentage)
  int64_t in_use_kb = 0;  // data incl. both mirror copies
  int64_t thick_in_use_kb = 0;
  int64_t thin_in_use_kb = 0;
  int64_t thin_allocated_kb = 0;  // full size of thin volumes, both copies
  int64_t unused_kb = 0;          // max - spare - in use (never negative)
  int64_t failed_kb = 0;          // capacity on disconnected SDSs
};

class ScaleioWorld {
 public:
  ScaleioWorld(const Clock& clock, std::mt19937_64 rng, WorldOptions options = {});
  // The id generator points into this object.
  ScaleioWorld(const ScaleioWorld&) = delete;
  ScaleioWorld& operator=(const ScaleioWorld&) = delete;

  // --- hooks from the Mesos side -------------------------------------------------------------
  void node_installed(const NodeInstall& install);
  void node_down(const std::string& hostname);
  void node_up(const std::string& hostname);
  // One-shot scaleio-node verbs: {"mdm","create-cluster",...}; errors in scli's form.
  Result<std::string> run_mdm_command(const std::string& hostname,
                                      const std::vector<std::string>& argv);
  // component: "mdm", "tb", "sds" or "sdc".
  Status fail_component(const std::string& hostname, const std::string& component);
  Status restore_component(const std::string& hostname, const std::string& component);
  // Completes the timed transitions due by `now` (joins, device tests, rebalances).
  void tick(Clock::TimePoint now);
  // Loads an existing cluster (format in docs/simulator-gateway.md). Call node_installed first.
  Status adopt(const nlohmann::json& cluster);
  nlohmann::json to_json() const;

  // --- MDM cluster ---------------------------------------------------------------------------
  MdmResult<std::string> create_cluster(const std::string& master_ip, const std::string& name);
  MdmResult<std::string> add_standby_mdm(const std::vector<std::string>& ips, MdmRole role,
                                         const std::string& name,
                                         const std::vector<std::string>& management_ips = {});
  MdmStatus remove_standby_mdm(const std::string& id);
  struct ModeChange {
    ClusterMode mode = ClusterMode::kOneNode;
    std::vector<std::string> add_slaves, add_tie_breakers, remove_slaves, remove_tie_breakers;
  };
  MdmStatus switch_cluster_mode(const ModeChange& change);  // lists hold MDM ids
  MdmStatus change_mdm_ownership(const std::string& id);
  MdmStatus set_system_name(const std::string& name);
  // The gateway can serve MDM-backed requests only with a cluster that has quorum.
  MdmStatus require_mdm() const;

  // --- storage -------------------------------------------------------------------------------
  MdmResult<std::string> add_protection_domain(const std::string& name);
  MdmStatus remove_protection_domain(const std::string& id);
  MdmResult<std::string> add_fault_set(const std::string& protection_domain_id,
                                       const std::string& name);
  MdmStatus remove_fault_set(const std::string& id);
  MdmResult<std::string> add_storage_pool(const StoragePool& spec);  // id ignored
  MdmStatus remove_storage_pool(const std::string& id);
  MdmResult<std::string> add_sds(const NewSds& spec);
  MdmStatus remove_sds(const std::string& id);
  MdmResult<std::string> add_device(const NewDevice& spec);
  MdmStatus remove_device(const std::string& id);

  // --- SDCs and volumes ----------------------------------------------------------------------
  MdmStatus set_sdc_name(const std::string& id, const std::string& name);
  MdmStatus remove_sdc(const std::string& id);
  MdmResult<std::string> add_volume(const NewVolume& spec);
  MdmStatus remove_volume(const std::string& id);
  MdmStatus map_volume(const std::string& volume_id, const std::string& sdc_id,
                       bool allow_multiple_mappings);
  MdmStatus unmap_volume(const std::string& volume_id, const std::string& sdc_id);
  MdmStatus resize_volume(const std::string& volume_id, int64_t size_gb);

  // --- read access ---------------------------------------------------------------------------
  const WorldOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }
  const std::optional<MdmCluster>& mdm_cluster() const { return cluster_; }
  const std::string& system_id() const { return system_id_; }
  const std::string& system_name() const { return system_name_; }
  const std::map<std::string, Node>& nodes() const { return nodes_; }
  const std::map<std::string, ProtectionDomain>& protection_domains() const { return pds_; }
  const std::map<std::string, FaultSet>& fault_sets() const { return fault_sets_; }
  const std::map<std::string, StoragePool>& storage_pools() const { return pools_; }
  const std::map<std::string, Sds>& sdss() const { return sdss_; }
  const std::map<std::string, Device>& devices() const { return devices_; }
  const std::map<std::string, Sdc>& sdcs() const { return sdcs_; }
  const std::map<std::string, Volume>& volumes() const { return volumes_; }

  bool mdm_healthy(const MdmMember& member) const;
  bool has_quorum() const;
  std::string cluster_state() const;  // "ClusteredNormal", ... (empty without a cluster)
  bool sds_connected(const Sds& sds) const;
  bool sdc_connected(const Sdc& sdc) const;
  const Node* node_by_ip(const std::string& ip) const;

  Capacity pool_capacity(const std::string& pool_id) const;
  Capacity sds_capacity(const std::string& sds_id) const;
  Capacity device_capacity(const std::string& device_id) const;
  int64_t volume_in_use_kb(const Volume& volume) const;

  static int64_t round_up_to_8gb(int64_t size_kb);
  static std::string mode_name(ClusterMode mode);                    // "ThreeNodes"
  static std::optional<ClusterMode> parse_mode(const std::string&);  // REST and scli forms

 private:
  // Everything derived from health: master failover and SDC registration.
  void refresh();
  // The IPs of the cluster's healthy managers: where a configured SDC can connect.
  std::set<std::string> healthy_manager_ips() const;
  // The node's SDC is installed, running and configured with one of `manager_ips` (quorum aside).
  bool sdc_reaches_manager(const Node& node, const std::set<std::string>& manager_ips) const;
  Node* find_node(const std::string& hostname);
  Clock::TimePoint due_in(Clock::Duration delay) const;
  bool device_usable(const Device& device, const std::string& excluded_sds = {},
                     const std::string& excluded_device = {}) const;
  Capacity pool_capacity_without(const std::string& pool_id, const std::string& excluded_sds,
                                 const std::string& excluded_device) const;
  MdmStatus check_capacity_after_removal(const std::string& sds_id, const std::string& device_id,
                                         const std::string& what) const;
  MdmStatus validate_name(const std::string& name) const;
  MdmResult<const Node*> reachable_node(const std::string& ip, const std::string& package,
                                        const std::string& what) const;
  const MdmMember* find_member_by_name_or_ip(const std::string& key) const;
  Result<std::string> scli_create_cluster(const std::string& hostname,
                                          const std::vector<std::string>& args);
  Result<std::string> scli_add_standby(const std::vector<std::string>& args);
  Result<std::string> scli_switch_mode(const std::vector<std::string>& args);
  Status adopt_mdm(const nlohmann::json& mdm);
  Status adopt_storage(const nlohmann::json& cluster);
  // Every insert into and erase from devices_ and sdcs_ goes through these, which keep the
  // indexes below current.
  void insert_device(const Device& device);
  void erase_device(const std::string& id);
  void erase_devices_of(const std::string& sds_id);
  std::map<std::string, Sdc>::iterator insert_sdc(const Sdc& sdc);
  void erase_sdc(const std::string& id);

  const Clock& clock_;
  std::mt19937_64 rng_;
  IdGenerator ids_;
  WorldOptions options_;

  std::map<std::string, Node> nodes_;  // by hostname
  std::optional<MdmCluster> cluster_;
  std::string system_id_;
  std::string system_name_;
  std::map<std::string, ProtectionDomain> pds_;
  std::map<std::string, FaultSet> fault_sets_;
  std::map<std::string, StoragePool> pools_;
  std::map<std::string, Sds> sdss_;
  std::map<std::string, Device> devices_;
  std::map<std::string, Sdc> sdcs_;
  std::map<std::string, Volume> volumes_;

  // Indexes, so that a request or a tick does not scan the whole world (at 5,000 nodes those
  // scans were most of the simulator's CPU): checks run per added device, SDC registration and
  // the managers' IPs on every tick.
  std::map<std::string, std::set<std::string>> device_ids_by_sds_;
  std::map<std::string, int> sdc_count_by_hostname_;
  std::map<std::string, std::set<std::string>> hostnames_by_ip_;  // first = node_by_ip's answer
  // No device test, SDS join or rebalance ends before this: tick scans for them only from then.
  Clock::TimePoint next_phase_end_ = Clock::TimePoint::min();
  void note_phase_end(Clock::TimePoint t) { next_phase_end_ = std::min(next_phase_end_, t); }
};

}  // namespace scaleio::sim
