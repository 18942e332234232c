// MDM cluster membership: create, standby MDMs, mode switches and ownership. ScaleIO's rule that
// a change never leaves the cluster without quorum is enforced here.
#include <algorithm>

#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim {

namespace {

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

void erase_value(std::vector<std::string>& v, const std::string& x) {
  v.erase(std::remove(v.begin(), v.end(), x), v.end());
}

struct ModeShape {
  size_t slaves;
  size_t tie_breakers;
};

ModeShape shape_of(ClusterMode mode) {
  switch (mode) {
    case ClusterMode::kOneNode:
      return {0, 0};
    case ClusterMode::kThreeNodes:
      return {1, 1};
    case ClusterMode::kFiveNodes:
      return {2, 2};
  }
  return {0, 0};
}

}  // namespace

MdmStatus ScaleioWorld::require_mdm() const {
  // A real gateway cannot tell "no cluster" from "cluster without quorum": both are unreachable.
  if (!cluster_ || !has_quorum()) {
    return mdm_error(mdm_code::kMdmUnavailable, "Could not connect to the MDM cluster");
  }
  return mdm_ok();
}

MdmResult<std::string> ScaleioWorld::create_cluster(const std::string& master_ip,
                                                    const std::string& name) {
  if (cluster_) {
    return mdm_error(mdm_code::kInvalidOperation, "The MDM cluster is already configured");
  }
  if (auto named = validate_name(name); !named.ok()) return named.error();
  auto node = reachable_node(master_ip, "mdm", "MDM");
  if (!node.ok()) return node.error();

  MdmMember master;
  master.id = ids_.next();
  master.name = name;
  master.ips = {master_ip};
  master.management_ips = {master_ip};
  master.role = MdmRole::kManager;

  MdmCluster cluster;
  cluster.id = ids_.next();
  cluster.mode = ClusterMode::kOneNode;
  cluster.master_id = master.id;
  cluster.members.emplace(master.id, master);
  cluster_ = std::move(cluster);
  system_id_ = ids_.next();
  refresh();
  return master.id;
}

MdmResult<std::string> ScaleioWorld::add_standby_mdm(
    const std::vector<std::string>& ips, MdmRole role, const std::string& name,
    const std::vector<std::string>& management_ips) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (ips.empty()) return missing_key("ips");
  if (auto named = validate_name(name); !named.ok()) return named.error();
  for (const auto& [_, member] : cluster_->members) {
    if (!name.empty() && member.name == name) {
      return mdm_error(mdm_code::kNameInUse,
                       "MDM name already in use. Please use a different name.");
    }
    for (const auto& ip : ips) {
      if (contains(member.ips, ip)) {
        return mdm_error(mdm_code::kNameInUse, "The MDM IP address is already in use.");
      }
    }
  }
  auto node = reachable_node(ips.front(), "mdm", "MDM");
  if (!node.ok() && role == MdmRole::kTieBreaker) node = reachable_node(ips.front(), "tb", "MDM");
  if (!node.ok()) return node.error();

  MdmMember member;
  member.id = ids_.next();
  member.name = name;
  member.ips = ips;
  member.management_ips = management_ips.empty() ? ips : management_ips;
  member.role = role;
  cluster_->members.emplace(member.id, member);
  cluster_->standby_ids.push_back(member.id);
  return member.id;
}

MdmStatus ScaleioWorld::remove_standby_mdm(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!cluster_->members.count(id)) return mdm_error(mdm_code::kNotFound, "Not found");
  if (!contains(cluster_->standby_ids, id)) {
    return mdm_error(mdm_code::kInvalidOperation,
                     "Only a standby MDM can be removed. Switch the cluster mode first.");
  }
  erase_value(cluster_->standby_ids, id);
  cluster_->members.erase(id);
  return mdm_ok();
}

MdmStatus ScaleioWorld::switch_cluster_mode(const ModeChange& change) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  MdmCluster next = *cluster_;
  for (const auto& id : change.remove_slaves) {
    if (!contains(next.slave_ids, id)) {
      return mdm_error(mdm_code::kInvalidOperation, "MDM " + id + " is not a slave MDM");
    }
    erase_value(next.slave_ids, id);
    next.standby_ids.push_back(id);
  }
  for (const auto& id : change.remove_tie_breakers) {
    if (!contains(next.tie_breaker_ids, id)) {
      return mdm_error(mdm_code::kInvalidOperation, "MDM " + id + " is not a tie-breaker");
    }
    erase_value(next.tie_breaker_ids, id);
    next.standby_ids.push_back(id);
  }
  auto add = [&](const std::string& id, MdmRole role, std::vector<std::string>& into) -> MdmStatus {
    auto it = next.members.find(id);
    if (it == next.members.end() || !contains(next.standby_ids, id)) {
      return mdm_error(mdm_code::kInvalidOperation, "MDM " + id + " is not a standby MDM");
    }
    if (it->second.role != role) {
      return mdm_error(mdm_code::kInvalidOperation,
                       "MDM " + id + " has the wrong role for this operation");
    }
    if (!mdm_healthy(it->second)) {
      return mdm_error(mdm_code::kComponentUnreachable,
                       "Could not communicate with the MDM " + it->second.name);
    }
    erase_value(next.standby_ids, id);
    into.push_back(id);
    return mdm_ok();
  };
  for (const auto& id : change.add_slaves) {
    if (auto s = add(id, MdmRole::kManager, next.slave_ids); !s.ok()) return s;
  }
  for (const auto& id : change.add_tie_breakers) {
    if (auto s = add(id, MdmRole::kTieBreaker, next.tie_breaker_ids); !s.ok()) return s;
  }
  const ModeShape shape = shape_of(change.mode);
  if (next.slave_ids.size() != shape.slaves || next.tie_breaker_ids.size() != shape.tie_breakers) {
    return mdm_error(mdm_code::kInvalidOperation,
                     "Cluster mode " + mode_name(change.mode) + " needs " +
                         std::to_string(shape.slaves) + " slave MDMs and " +
                         std::to_string(shape.tie_breakers) + " tie-breakers");
  }
  next.mode = change.mode;
  // Refuse a membership that would have no quorum right after the switch.
  std::optional<MdmCluster> previous = std::move(cluster_);
  cluster_ = std::move(next);
  if (!has_quorum()) {
    cluster_ = std::move(previous);
    return mdm_error(mdm_code::kInvalidOperation,
                     "The cluster would not have a quorum of healthy MDMs after this change");
  }
  refresh();
  return mdm_ok();
}

MdmStatus ScaleioWorld::change_mdm_ownership(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (id == cluster_->master_id) return mdm_ok();
  auto it = std::find(cluster_->slave_ids.begin(), cluster_->slave_ids.end(), id);
  if (it == cluster_->slave_ids.end()) {
    return mdm_error(mdm_code::kInvalidOperation, "MDM " + id + " is not a slave MDM");
  }
  if (!mdm_healthy(cluster_->members.at(id))) {
    return mdm_error(mdm_code::kComponentUnreachable, "Could not communicate with the MDM " + id);
  }
  std::swap(*it, cluster_->master_id);
  return mdm_ok();
}

MdmStatus ScaleioWorld::set_system_name(const std::string& name) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (auto named = validate_name(name); !named.ok()) return named;
  system_name_ = name;
  return mdm_ok();
}

const MdmMember* ScaleioWorld::find_member_by_name_or_ip(const std::string& key) const {
  if (!cluster_) return nullptr;
  for (const auto& [id, member] : cluster_->members) {
    if (id == key || member.name == key || contains(member.ips, key)) return &member;
  }
  return nullptr;
}

}  // namespace scaleio::sim
