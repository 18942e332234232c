// World lifecycle: node hooks, health, derived state (failover, SDC registration) and timed
// transitions. Operations on objects live in mdm_cluster_ops.cpp, storage_ops.cpp and
// volume_ops.cpp.
#include "sim/gateway/scaleio_world.h"

#include <algorithm>
#include <set>

namespace scaleio::sim {

namespace {

bool valid_component(const std::string& c) {
  return c == "mdm" || c == "tb" || c == "sds" || c == "sdc";
}

}  // namespace

ScaleioWorld::ScaleioWorld(const Clock& clock, std::mt19937_64 rng, WorldOptions options)
    : clock_(clock), rng_(std::move(rng)), ids_(rng_), options_(std::move(options)) {
  if (options_.time_scale <= 0) options_.time_scale = 1.0;
}

Node* ScaleioWorld::find_node(const std::string& hostname) {
  auto it = nodes_.find(hostname);
  return it == nodes_.end() ? nullptr : &it->second;
}

const Node* ScaleioWorld::node_by_ip(const std::string& ip) const {
  auto it = hostnames_by_ip_.find(ip);
  if (it == hostnames_by_ip_.end() || it->second.empty()) return nullptr;
  return &nodes_.at(*it->second.begin());  // the first in hostname order, as a scan would find
}

void ScaleioWorld::insert_device(const Device& device) {
  devices_.emplace(device.id, device);
  device_ids_by_sds_[device.sds_id].insert(device.id);
}

void ScaleioWorld::erase_device(const std::string& id) {
  auto it = devices_.find(id);
  if (it == devices_.end()) return;
  auto of_sds = device_ids_by_sds_.find(it->second.sds_id);
  if (of_sds != device_ids_by_sds_.end()) {
    of_sds->second.erase(id);
    if (of_sds->second.empty()) device_ids_by_sds_.erase(of_sds);
  }
  devices_.erase(it);
}

void ScaleioWorld::erase_devices_of(const std::string& sds_id) {
  auto of_sds = device_ids_by_sds_.find(sds_id);
  if (of_sds == device_ids_by_sds_.end()) return;
  for (const auto& id : of_sds->second) devices_.erase(id);
  device_ids_by_sds_.erase(of_sds);
}

std::map<std::string, Sdc>::iterator ScaleioWorld::insert_sdc(const Sdc& sdc) {
  auto [it, inserted] = sdcs_.emplace(sdc.id, sdc);
  if (inserted) ++sdc_count_by_hostname_[sdc.hostname];
  return it;
}

void ScaleioWorld::erase_sdc(const std::string& id) {
  auto it = sdcs_.find(id);
  if (it == sdcs_.end()) return;
  auto count = sdc_count_by_hostname_.find(it->second.hostname);
  if (count != sdc_count_by_hostname_.end() && --count->second <= 0) {
    sdc_count_by_hostname_.erase(count);
  }
  sdcs_.erase(it);
}

Clock::TimePoint ScaleioWorld::due_in(Clock::Duration delay) const {
  const auto scaled = std::chrono::duration_cast<Clock::Duration>(
      std::chrono::duration<double, Clock::Duration::period>(delay.count() / options_.time_scale));
  return clock_.now() + scaled;
}

void ScaleioWorld::node_installed(const NodeInstall& install) {
  Node& node = nodes_[install.hostname];
  if (auto old = hostnames_by_ip_.find(node.install.ip); old != hostnames_by_ip_.end()) {
    old->second.erase(install.hostname);
    if (old->second.empty()) hostnames_by_ip_.erase(old);
  }
  node.install = install;
  hostnames_by_ip_[install.ip].insert(install.hostname);
  node.up = true;  // an install only completes on a running node
  refresh();
}

void ScaleioWorld::node_down(const std::string& hostname) {
  if (Node* node = find_node(hostname)) node->up = false;
  refresh();
}

void ScaleioWorld::node_up(const std::string& hostname) {
  if (Node* node = find_node(hostname)) node->up = true;
  refresh();
}

Status ScaleioWorld::fail_component(const std::string& hostname, const std::string& component) {
  if (!valid_component(component)) return invalid_argument("unknown component: " + component);
  Node* node = find_node(hostname);
  if (!node) return not_found("no such node: " + hostname);
  node->failed.insert(component);
  refresh();
  return Status();
}

Status ScaleioWorld::restore_component(const std::string& hostname, const std::string& component) {
  if (!valid_component(component)) return invalid_argument("unknown component: " + component);
  Node* node = find_node(hostname);
  if (!node) return not_found("no such node: " + hostname);
  node->failed.erase(component);
  refresh();
  return Status();
}

bool ScaleioWorld::mdm_healthy(const MdmMember& member) const {
  for (const auto& ip : member.ips) {
    const Node* node = node_by_ip(ip);
    if (!node || !node->up) continue;
    const auto& roles = node->install.roles;
    // A tie-breaker is the MDM package installed with MDM_ROLE_IS_MANAGER=0, so either package
    // can host it; a manager needs the manager package.
    const bool installed = member.role == MdmRole::kManager
                               ? roles.count("mdm") > 0
                               : (roles.count("tb") > 0 || roles.count("mdm") > 0);
    // "mdm" and "tb" both name the one MDM process on the node.
    const bool failed = node->failed.count("mdm") > 0 || node->failed.count("tb") > 0;
    if (installed && !failed) return true;
  }
  return false;
}

bool ScaleioWorld::has_quorum() const {
  if (!cluster_) return false;
  int total = 0;
  int healthy = 0;
  auto count = [&](const std::string& id) {
    ++total;
    if (mdm_healthy(cluster_->members.at(id))) ++healthy;
  };
  count(cluster_->master_id);
  for (const auto& id : cluster_->slave_ids) count(id);
  for (const auto& id : cluster_->tie_breaker_ids) count(id);
  return healthy * 2 > total;
}

std::string ScaleioWorld::cluster_state() const {
  if (!cluster_) return "";
  if (cluster_->mode == ClusterMode::kOneNode) return options_.one_node_cluster_state;
  bool managers_down = !mdm_healthy(cluster_->members.at(cluster_->master_id));
  for (const auto& id : cluster_->slave_ids) {
    if (!mdm_healthy(cluster_->members.at(id))) managers_down = true;
  }
  bool tie_breaker_down = false;
  for (const auto& id : cluster_->tie_breaker_ids) {
    if (!mdm_healthy(cluster_->members.at(id))) tie_breaker_down = true;
  }
  if (managers_down && tie_breaker_down) return "ClusteredDegradedTiebreakerDown";
  if (managers_down) return "ClusteredDegraded";
  if (tie_breaker_down) return "ClusteredTiebreakerDown";
  return "ClusteredNormal";
}

bool ScaleioWorld::sds_connected(const Sds& sds) const {
  auto it = nodes_.find(sds.hostname);
  if (it == nodes_.end()) return false;
  const Node& node = it->second;
  return node.up && node.install.roles.count("sds") > 0 && node.failed.count("sds") == 0 &&
         has_quorum();
}

bool ScaleioWorld::sdc_connected(const Sdc& sdc) const {
  auto it = nodes_.find(sdc.hostname);
  if (it == nodes_.end() || !has_quorum()) return false;
  return sdc_reaches_manager(it->second, healthy_manager_ips());
}

std::set<std::string> ScaleioWorld::healthy_manager_ips() const {
  std::set<std::string> ips;
  if (!cluster_) return ips;
  for (const auto& [_, member] : cluster_->members) {
    if (member.role != MdmRole::kManager || !mdm_healthy(member)) continue;
    ips.insert(member.ips.begin(), member.ips.end());
  }
  return ips;
}

bool ScaleioWorld::sdc_reaches_manager(const Node& node,
                                       const std::set<std::string>& manager_ips) const {
  if (!node.up || node.install.roles.count("sdc") == 0 || node.failed.count("sdc") > 0) {
    return false;
  }
  // The SDC driver is configured with MDM IPs; it connects when one of them is a cluster manager.
  return std::any_of(node.install.mdm_ips.begin(), node.install.mdm_ips.end(),
                     [&](const std::string& ip) { return manager_ips.count(ip) > 0; });
}

void ScaleioWorld::refresh() {
  if (!cluster_) return;
  // Master failover: a healthy slave takes over while the cluster keeps quorum.
  if (!mdm_healthy(cluster_->members.at(cluster_->master_id)) && has_quorum()) {
    for (auto& slave : cluster_->slave_ids) {
      if (mdm_healthy(cluster_->members.at(slave))) {
        std::swap(slave, cluster_->master_id);
        break;
      }
    }
  }
  // SDC self-registration: a connected SDC the MDM has not seen yet appears with a new id.
  // Quorum and the managers' IPs do not change inside this loop, so they are computed once and
  // the known hostnames indexed once: a refresh runs on every install and tick, and asking
  // sdc_connected per node (a scan of all nodes per MDM IP) made it quadratic in the cluster size.
  if (!has_quorum()) return;
  const std::set<std::string> manager_ips = healthy_manager_ips();
  // Nodes and known SDC hostnames are both in hostname order: one merged walk, no lookups. (An
  // SDC inserted below sorts before `known`, which stays valid.)
  auto known = sdc_count_by_hostname_.begin();
  for (const auto& [hostname, node] : nodes_) {
    while (known != sdc_count_by_hostname_.end() && known->first < hostname) ++known;
    if (known != sdc_count_by_hostname_.end() && known->first == hostname) continue;
    if (!sdc_reaches_manager(node, manager_ips)) continue;
    Sdc candidate;
    candidate.hostname = hostname;
    candidate.id = ids_.next();
    candidate.guid = ids_.guid();
    candidate.ip = node.install.ip;
    insert_sdc(candidate);
  }
}

void ScaleioWorld::tick(Clock::TimePoint now) {
  // Device tests, joins and rebalances end at known times; between them a tick (50 a second)
  // need not walk every device and SDS.
  if (now >= next_phase_end_) {
    next_phase_end_ = Clock::TimePoint::max();
    for (auto& [_, device] : devices_) {
      if (!device.testing) continue;
      if (device.test_ends <= now) {
        device.testing = false;
      } else {
        note_phase_end(device.test_ends);
      }
    }
    for (auto it = sdss_.begin(); it != sdss_.end();) {
      Sds& sds = it->second;
      if (sds.phase == SdsPhase::kJoining && sds.phase_ends <= now) sds.phase = SdsPhase::kJoined;
      if (sds.phase == SdsPhase::kRemoving && sds.phase_ends <= now) {
        // Rebalance done: the data now lives elsewhere; the SDS and its devices leave the system.
        erase_devices_of(sds.id);
        it = sdss_.erase(it);
        continue;
      }
      if (sds.phase != SdsPhase::kJoined) note_phase_end(sds.phase_ends);
      ++it;
    }
  }
  refresh();
}

MdmStatus ScaleioWorld::validate_name(const std::string& name) const {
  if (name.size() > 31 || name.find_first_of(" \t") != std::string::npos) {
    return mdm_error(mdm_code::kInvalidName,
                     "Invalid name. Names must be at most 31 characters and contain no spaces.");
  }
  return mdm_ok();
}

MdmResult<const Node*> ScaleioWorld::reachable_node(const std::string& ip,
                                                    const std::string& package,
                                                    const std::string& what) const {
  const Node* node = node_by_ip(ip);
  if (!node || !node->up || node->install.roles.count(package) == 0 ||
      node->failed.count(package) > 0) {
    return mdm_error(mdm_code::kComponentUnreachable,
                     "Could not communicate with the " + what + " at " + ip +
                         ": its package is not installed or not running");
  }
  return node;
}

int64_t ScaleioWorld::round_up_to_8gb(int64_t size_kb) {
  constexpr int64_t kGranule = 8 * kKbPerGb;
  if (size_kb <= 0) return 0;
  return (size_kb + kGranule - 1) / kGranule * kGranule;
}

std::string ScaleioWorld::mode_name(ClusterMode mode) {
  switch (mode) {
    case ClusterMode::kOneNode:
      return "OneNode";
    case ClusterMode::kThreeNodes:
      return "ThreeNodes";
    case ClusterMode::kFiveNodes:
      return "FiveNodes";
  }
  return "OneNode";
}

std::optional<ClusterMode> ScaleioWorld::parse_mode(const std::string& text) {
  if (text == "OneNode" || text == "1_node") return ClusterMode::kOneNode;
  if (text == "ThreeNodes" || text == "3_node") return ClusterMode::kThreeNodes;
  if (text == "FiveNodes" || text == "5_node") return ClusterMode::kFiveNodes;
  return std::nullopt;
}

}  // namespace scaleio::sim
