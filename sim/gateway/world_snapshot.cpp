// The world as JSON for the control API (what tests assert on) and adoption of an existing cluster
// from a cluster file. Adopted objects are taken as already settled: SDSs joined, devices tested,
// and no package or reachability checks, since the cluster predates the operator.
#include <algorithm>

#include "sim/gateway/object_views.h"
#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim {

using nlohmann::json;

json ScaleioWorld::to_json() const {
  json nodes = json::array();
  for (const auto& [hostname, node] : nodes_) {
    nodes.push_back({{"hostname", hostname},
                     {"ip", node.install.ip},
                     {"roles", node.install.roles},
                     {"mdm_ips", node.install.mdm_ips},
                     {"up", node.up},
                     {"failed", node.failed}});
  }
  json out = views::everything(*this);
  out["nodes"] = nodes;
  out["mdmClusterAvailable"] = has_quorum();
  json pools = json::object();
  for (const auto& [id, _] : pools_) pools[id] = views::statistics(*this, "StoragePool", id);
  out["storagePoolStatistics"] = pools;
  return out;
}

namespace {

MdmRole parse_role(const json& member) {
  const std::string role = member.value("role", "Manager");
  return role == "TieBreaker" || role == "tb" ? MdmRole::kTieBreaker : MdmRole::kManager;
}

}  // namespace

Status ScaleioWorld::adopt_mdm(const json& mdm) {
  MdmCluster cluster;
  cluster.id = ids_.next();
  const auto mode = parse_mode(mdm.value("mode", "OneNode"));
  if (!mode) return invalid_argument("adopt: unknown mdm.mode");
  cluster.mode = *mode;
  auto load = [&](const json& m) {
    MdmMember member;
    member.id = ids_.next();
    member.name = m.value("name", "");
    member.ips = {m.at("ip").get<std::string>()};
    member.management_ips = member.ips;
    member.role = parse_role(m);
    cluster.members.emplace(member.id, member);
    return member;
  };
  for (const auto& m : mdm.value("members", json::array())) {
    const MdmMember member = load(m);
    if (m.value("master", false)) {
      if (!cluster.master_id.empty()) return invalid_argument("adopt: two master MDMs");
      cluster.master_id = member.id;
    } else if (member.role == MdmRole::kManager) {
      cluster.slave_ids.push_back(member.id);
    } else {
      cluster.tie_breaker_ids.push_back(member.id);
    }
  }
  for (const auto& m : mdm.value("standby", json::array())) {
    cluster.standby_ids.push_back(load(m).id);
  }
  if (cluster.master_id.empty()) return invalid_argument("adopt: no member has \"master\": true");
  cluster_ = std::move(cluster);
  system_id_ = ids_.next();
  return Status();
}

Status ScaleioWorld::adopt_storage(const json& c) {
  std::map<std::string, std::string> pd_ids;                       // name -> id
  std::map<std::pair<std::string, std::string>, std::string> sub;  // (pd, name) -> id
  auto lookup = [](const auto& map, const auto& key,
                   const std::string& what) -> Result<std::string> {
    auto it = map.find(key);
    if (it == map.end()) return invalid_argument("adopt: unknown " + what);
    return it->second;
  };
  for (const auto& p : c.value("protection_domains", json::array())) {
    ProtectionDomain pd{ids_.next(), p.at("name").get<std::string>()};
    pds_.emplace(pd.id, pd);
    pd_ids[pd.name] = pd.id;
    for (const auto& f : p.value("fault_sets", json::array())) {
      FaultSet fs{ids_.next(), f.get<std::string>(), pd.id};
      fault_sets_.emplace(fs.id, fs);
      sub[{pd.name, "fs:" + fs.name}] = fs.id;
    }
    for (const auto& s : p.value("storage_pools", json::array())) {
      StoragePool pool;
      pool.id = ids_.next();
      pool.name = s.at("name").get<std::string>();
      pool.protection_domain_id = pd.id;
      pool.media_type = s.value("media_type", "HDD");
      pool.spare_percentage = s.value("spare_percentage", 10);
      pools_.emplace(pool.id, pool);
      sub[{pd.name, "sp:" + pool.name}] = pool.id;
    }
  }
  for (const auto& s : c.value("sds", json::array())) {
    const std::string pd_name = s.at("protection_domain").get<std::string>();
    auto pd_id = lookup(pd_ids, pd_name, "protection domain " + pd_name);
    if (!pd_id.ok()) return pd_id.status();
    Sds sds;
    sds.id = ids_.next();
    const std::string ip = s.at("ip").get<std::string>();
    sds.name = s.value("name", "SDS_" + ip);
    sds.protection_domain_id = *pd_id;
    sds.ips = {{ip, "all"}};
    const Node* node = node_by_ip(ip);
    if (!node) return invalid_argument("adopt: no node has the SDS IP " + ip);
    sds.hostname = node->install.hostname;
    sds.phase = SdsPhase::kJoined;
    if (s.contains("fault_set")) {
      auto fs = lookup(sub, std::make_pair(pd_name, "fs:" + s.at("fault_set").get<std::string>()),
                       "fault set");
      if (!fs.ok()) return fs.status();
      sds.fault_set_id = *fs;
    }
    sdss_.emplace(sds.id, sds);
    for (const auto& d : s.value("devices", json::array())) {
      auto pool =
          lookup(sub, std::make_pair(pd_name, "sp:" + d.at("storage_pool").get<std::string>()),
                 "storage pool");
      if (!pool.ok()) return pool.status();
      Device device;
      device.id = ids_.next();
      device.path = d.at("path").get<std::string>();
      device.name = d.value("name", "");
      device.sds_id = sds.id;
      device.storage_pool_id = *pool;
      const auto& declared = node->install.device_capacity_kb;
      auto known = declared.find(device.path);
      device.capacity_kb = d.contains("capacity_gb") ? d.at("capacity_gb").get<int64_t>() * kKbPerGb
                           : known != declared.end() ? known->second
                                                     : options_.default_device_capacity_kb;
      device.testing = false;
      insert_device(device);
    }
  }
  refresh();  // SDCs of installed nodes register before volumes map to them
  for (const auto& v : c.value("volumes", json::array())) {
    const std::string pd_name = v.at("protection_domain").get<std::string>();
    auto pool =
        lookup(sub, std::make_pair(pd_name, "sp:" + v.at("storage_pool").get<std::string>()),
               "storage pool");
    if (!pool.ok()) return pool.status();
    Volume volume;
    volume.id = ids_.next();
    volume.vtree_id = ids_.next();
    volume.name = v.at("name").get<std::string>();
    volume.storage_pool_id = *pool;
    volume.size_kb = round_up_to_8gb(v.at("size_gb").get<int64_t>() * kKbPerGb);
    volume.thin = v.value("type", "thin") != "thick";
    volume.creation_time = clock_.now_unix_ms() / 1000;
    for (const auto& target : v.value("mapped_to", json::array())) {
      const std::string key = target.get<std::string>();
      auto sdc = std::find_if(sdcs_.begin(), sdcs_.end(), [&](const auto& kv) {
        return kv.second.hostname == key || kv.second.ip == key;
      });
      if (sdc == sdcs_.end()) {
        // The SDC is known to the MDM even while it is disconnected right now.
        const Node* node = nodes_.count(key) ? &nodes_.at(key) : node_by_ip(key);
        if (!node) return invalid_argument("adopt: volume mapped to unknown node " + key);
        Sdc record;
        record.id = ids_.next();
        record.guid = ids_.guid();
        record.ip = node->install.ip;
        record.hostname = node->install.hostname;
        sdc = insert_sdc(record);
      }
      volume.mapped_sdc_ids.push_back(sdc->first);
    }
    volumes_.emplace(volume.id, volume);
  }
  return Status();
}

Status ScaleioWorld::adopt(const json& cluster) {
  if (cluster_) return failed_precondition("adopt: the world already has an MDM cluster");
  try {
    system_name_ = cluster.value("system_name", "");
    if (auto s = adopt_mdm(cluster.at("mdm")); !s.ok()) return s;
    if (auto s = adopt_storage(cluster); !s.ok()) return s;
  } catch (const json::exception& e) {
    return invalid_argument(std::string("adopt: malformed cluster: ") + e.what());
  }
  refresh();
  return Status();
}

}  // namespace scaleio::sim
