#include "sim/gateway/object_views.h"

#include <algorithm>
#include <map>
#include <vector>

namespace scaleio::sim::views {

namespace {

using nlohmann::json;

const std::map<std::string, std::vector<std::string>>& relations() {
  static const std::map<std::string, std::vector<std::string>> kRelations = {
      {"System", {"ProtectionDomain", "Sdc", "User", "Statistics"}},
      {"ProtectionDomain", {"StoragePool", "Sds", "FaultSet", "Statistics"}},
      {"FaultSet", {"Sds", "Statistics"}},
      {"StoragePool", {"Device", "Volume", "Statistics"}},
      {"Sds", {"Device", "Statistics"}},
      {"Device", {"Statistics"}},
      {"Sdc", {"Volume", "Statistics"}},
      {"Volume", {"Statistics"}},
  };
  return kRelations;
}

json name_or_null(const std::string& name) {
  return name.empty() ? json(nullptr) : json(name);
}
json id_or_null(const std::string& id) {
  return id.empty() ? json(nullptr) : json(id);
}

std::string instance_href(const std::string& type, const std::string& id) {
  return "/api/instances/" + type + "::" + id;
}

// Links as 2.0 gateways write them: rels say "relationship", hrefs "relationships".
json links(const std::string& type, const std::string& id,
           const std::vector<std::pair<std::string, std::string>>& parents = {}) {
  json out = json::array();
  const std::string self = instance_href(type, id);
  out.push_back({{"rel", "self"}, {"href", self}});
  for (const auto& relation : relations().at(type)) {
    out.push_back({{"rel", "/api/" + type + "/relationship/" + relation},
                   {"href", self + "/relationships/" + relation}});
  }
  for (const auto& [key, href] : parents) {
    out.push_back({{"rel", "/api/parent/relationship/" + key}, {"href", href}});
  }
  return out;
}

json mdm_view(const ScaleioWorld& world, const MdmMember& m) {
  return {{"id", m.id},
          {"name", name_or_null(m.name)},
          {"port", m.port},
          {"ips", m.ips},
          {"managementIPs", m.management_ips},
          {"role", m.role == MdmRole::kManager ? "Manager" : "TieBreaker"},
          {"status", world.mdm_healthy(m) ? "Normal" : "Disconnected"},
          {"versionInfo", world.options().version_info}};
}

json pd_view(const ScaleioWorld& world, const ProtectionDomain& pd) {
  return {{"id", pd.id},
          {"name", name_or_null(pd.name)},
          {"systemId", world.system_id()},
          {"protectionDomainState", "Active"},
          {"rebuildNetworkThrottlingEnabled", false},
          {"rebalanceNetworkThrottlingEnabled", false},
          {"overallIoNetworkThrottlingEnabled", false},
          {"links", links("ProtectionDomain", pd.id,
                          {{"systemId", instance_href("System", world.system_id())}})}};
}

json fault_set_view(const FaultSet& fs) {
  return {{"id", fs.id},
          {"name", name_or_null(fs.name)},
          {"protectionDomainId", fs.protection_domain_id},
          {"links", links("FaultSet", fs.id,
                          {{"protectionDomainId",
                            instance_href("ProtectionDomain", fs.protection_domain_id)}})}};
}

json pool_view(const StoragePool& pool) {
  return {{"id", pool.id},
          {"name", name_or_null(pool.name)},
          {"protectionDomainId", pool.protection_domain_id},
          {"mediaType", pool.media_type},
          {"sparePercentage", pool.spare_percentage},
          {"zeroPaddingEnabled", pool.zero_padding_enabled},
          {"useRmcache", false},
          {"rebuildEnabled", true},
          {"rebalanceEnabled", true},
          {"checksumEnabled", false},
          {"capacityAlertHighThreshold", 80},
          {"capacityAlertCriticalThreshold", 90},
          {"links", links("StoragePool", pool.id,
                          {{"protectionDomainId",
                            instance_href("ProtectionDomain", pool.protection_domain_id)}})}};
}

json sds_view(const ScaleioWorld& world, const Sds& sds) {
  json ips = json::array();
  for (const auto& ip : sds.ips) ips.push_back({{"ip", ip.ip}, {"role", ip.role}});
  std::vector<std::pair<std::string, std::string>> parents = {
      {"protectionDomainId", instance_href("ProtectionDomain", sds.protection_domain_id)}};
  if (!sds.fault_set_id.empty()) {
    parents.emplace_back("faultSetId", instance_href("FaultSet", sds.fault_set_id));
  }
  return {{"id", sds.id},
          {"name", name_or_null(sds.name)},
          {"protectionDomainId", sds.protection_domain_id},
          {"faultSetId", id_or_null(sds.fault_set_id)},
          {"ipList", ips},
          {"port", sds.port},
          {"sdsState",
           sds.phase == SdsPhase::kRemoving ? world.options().sds_removing_state : "Normal"},
          {"membershipState", sds.phase == SdsPhase::kJoining ? "JoinPending" : "Joined"},
          {"mdmConnectionState", world.sds_connected(sds) ? "Connected" : "Disconnected"},
          {"drlMode", "Volatile"},
          {"rmcacheEnabled", true},
          {"rmcacheSizeInKb", 131072},
          {"onVmWare", false},
          {"links", links("Sds", sds.id, parents)}};
}

json device_view(const Device& d) {
  return {{"id", d.id},
          {"name", name_or_null(d.name)},
          {"deviceCurrentPathName", d.path},
          {"deviceOriginalPathName", d.path},
          {"sdsId", d.sds_id},
          {"storagePoolId", d.storage_pool_id},
          {"deviceState", d.testing ? "InitialTest" : "Normal"},
          {"errorState", "None"},
          {"capacityLimitInKb", d.capacity_kb},
          {"maxCapacityInKb", d.capacity_kb},
          {"ledSetting", "Off"},
          {"links", links("Device", d.id,
                          {{"sdsId", instance_href("Sds", d.sds_id)},
                           {"storagePoolId", instance_href("StoragePool", d.storage_pool_id)}})}};
}

json sdc_view(const ScaleioWorld& world, const Sdc& sdc) {
  const bool connected = world.sdc_connected(sdc);
  return {
      {"id", sdc.id},
      {"name", name_or_null(sdc.name)},
      {"sdcIp", connected ? sdc.ip : "N/A"},
      {"sdcGuid", sdc.guid},
      {"sdcApproved", sdc.approved},
      {"mdmConnectionState", connected ? "Connected" : "Disconnected"},
      {"systemId", world.system_id()},
      {"onVmWare", false},
      {"links", links("Sdc", sdc.id, {{"systemId", instance_href("System", world.system_id())}})}};
}

json volume_view(const ScaleioWorld& world, const Volume& v) {
  json mapped = nullptr;  // null, not [], when unmapped: clients rely on this
  if (!v.mapped_sdc_ids.empty()) {
    mapped = json::array();
    for (const auto& sdc_id : v.mapped_sdc_ids) {
      auto sdc = world.sdcs().find(sdc_id);
      mapped.push_back({{"sdcId", sdc_id},
                        {"sdcIp", sdc == world.sdcs().end() ? "N/A" : sdc->second.ip},
                        {"limitIops", 0},
                        {"limitBwInMbps", 0}});
    }
  }
  return {{"id", v.id},
          {"name", name_or_null(v.name)},
          {"sizeInKb", v.size_kb},
          {"storagePoolId", v.storage_pool_id},
          {"volumeType", v.thin ? "ThinProvisioned" : "ThickProvisioned"},
          {"mappedSdcInfo", mapped},
          {"vtreeId", v.vtree_id},
          {"creationTime", v.creation_time},
          {"isObfuscated", false},
          {"useRmcache", false},
          {"mappingToAllSdcsEnabled", false},
          {"ancestorVolumeId", nullptr},
          {"consistencyGroupId", nullptr},
          {"links", links("Volume", v.id,
                          {{"storagePoolId", instance_href("StoragePool", v.storage_pool_id)}})}};
}

template <typename Map, typename View>
json list_of(const Map& objects, View view) {
  json out = json::array();
  for (const auto& [_, object] : objects) out.push_back(view(object));
  return out;
}

}  // namespace

json mdm_cluster(const ScaleioWorld& world) {
  const auto& cluster = world.mdm_cluster();
  if (!cluster) return nullptr;
  auto members = [&](const std::vector<std::string>& ids) {
    json out = json::array();
    for (const auto& id : ids) out.push_back(mdm_view(world, cluster->members.at(id)));
    return out;
  };
  int good_nodes = 0;
  int good_replicas = 0;
  std::vector<std::string> in_cluster = {cluster->master_id};
  in_cluster.insert(in_cluster.end(), cluster->slave_ids.begin(), cluster->slave_ids.end());
  for (const auto& id : in_cluster) {
    if (world.mdm_healthy(cluster->members.at(id))) ++good_replicas;
  }
  good_nodes = good_replicas;
  for (const auto& id : cluster->tie_breaker_ids) {
    if (world.mdm_healthy(cluster->members.at(id))) ++good_nodes;
  }
  return {{"id", cluster->id},
          {"name", name_or_null(world.system_name())},
          {"clusterMode", ScaleioWorld::mode_name(cluster->mode)},
          {"clusterState", world.cluster_state()},
          {"goodNodesNum", good_nodes},
          {"goodReplicasNum", good_replicas},
          {"master", mdm_view(world, cluster->members.at(cluster->master_id))},
          {"slaves", members(cluster->slave_ids)},
          {"tieBreakers", members(cluster->tie_breaker_ids)},
          {"standbyMDMs", members(cluster->standby_ids)},
          {"virtualIps", json::array()}};
}

json system(const ScaleioWorld& world) {
  const std::string& id = world.system_id();
  return {{"id", id},
          {"name", name_or_null(world.system_name())},
          {"systemVersionName", "DellEMC ScaleIO Version: " + world.options().version_info},
          {"mdmCluster", mdm_cluster(world)},
          {"mdmManagementPort", 6611},
          {"mdmExternalPort", 7611},
          {"capacityAlertHighThresholdPercent", 80},
          {"capacityAlertCriticalThresholdPercent", 90},
          {"enterpriseFeaturesEnabled", true},
          {"isInitialLicense", true},
          {"restrictedSdcModeEnabled", false},
          {"defaultIsVolumeObfuscated", false},
          {"installId", world.mdm_cluster() ? world.mdm_cluster()->id : ""},
          {"links", links("System", id)}};
}

bool known_type(const std::string& type) {
  return relations().count(type) > 0;
}

json list(const ScaleioWorld& world, const std::string& type) {
  if (type == "System") return world.mdm_cluster() ? json::array({system(world)}) : json::array();
  if (type == "ProtectionDomain") {
    return list_of(world.protection_domains(), [&](const auto& o) { return pd_view(world, o); });
  }
  if (type == "FaultSet") return list_of(world.fault_sets(), fault_set_view);
  if (type == "StoragePool") return list_of(world.storage_pools(), pool_view);
  if (type == "Sds")
    return list_of(world.sdss(), [&](const auto& o) { return sds_view(world, o); });
  if (type == "Device") return list_of(world.devices(), device_view);
  if (type == "Sdc")
    return list_of(world.sdcs(), [&](const auto& o) { return sdc_view(world, o); });
  if (type == "Volume") {
    return list_of(world.volumes(), [&](const auto& o) { return volume_view(world, o); });
  }
  return json::array();
}

std::optional<json> get(const ScaleioWorld& world, const std::string& type, const std::string& id) {
  auto find = [&](const auto& objects, auto view) -> std::optional<json> {
    auto it = objects.find(id);
    if (it == objects.end()) return std::nullopt;
    return view(it->second);
  };
  if (type == "System") {
    if (!world.mdm_cluster() || id != world.system_id()) return std::nullopt;
    return system(world);
  }
  if (type == "ProtectionDomain") {
    return find(world.protection_domains(), [&](const auto& o) { return pd_view(world, o); });
  }
  if (type == "FaultSet") return find(world.fault_sets(), fault_set_view);
  if (type == "StoragePool") return find(world.storage_pools(), pool_view);
  if (type == "Sds") return find(world.sdss(), [&](const auto& o) { return sds_view(world, o); });
  if (type == "Device") return find(world.devices(), device_view);
  if (type == "Sdc") return find(world.sdcs(), [&](const auto& o) { return sdc_view(world, o); });
  if (type == "Volume") {
    return find(world.volumes(), [&](const auto& o) { return volume_view(world, o); });
  }
  return std::nullopt;
}

std::optional<json> related(const ScaleioWorld& world, const std::string& type,
                            const std::string& id, const std::string& relation) {
  auto it = relations().find(type);
  if (it == relations().end()) return std::nullopt;
  const auto& allowed = it->second;
  if (std::find(allowed.begin(), allowed.end(), relation) == allowed.end()) return std::nullopt;
  if (relation == "Statistics") return statistics(world, type, id);
  if (relation == "User") return json::array();
  if (type == "System") return list(world, relation);

  // Children point at their parent through one id field.
  static const std::map<std::string, std::string> kParentKey = {
      {"ProtectionDomain", "protectionDomainId"},
      {"FaultSet", "faultSetId"},
      {"StoragePool", "storagePoolId"},
      {"Sds", "sdsId"}};
  json out = json::array();
  for (const auto& child : list(world, relation)) {
    if (type == "Sdc") {
      const json& mapped = child.at("mappedSdcInfo");
      if (mapped.is_null()) continue;
      for (const auto& m : mapped) {
        if (m.at("sdcId") == id) out.push_back(child);
      }
      continue;
    }
    const std::string& key = kParentKey.at(type);
    if (child.contains(key) && child.at(key) == id) out.push_back(child);
  }
  return out;
}

json everything(const ScaleioWorld& world) {
  return {{"System", world.mdm_cluster() ? system(world) : json(nullptr)},
          {"protectionDomainList", list(world, "ProtectionDomain")},
          {"faultSetList", list(world, "FaultSet")},
          {"storagePoolList", list(world, "StoragePool")},
          {"sdsList", list(world, "Sds")},
          {"deviceList", list(world, "Device")},
          {"sdcList", list(world, "Sdc")},
          {"volumeList", list(world, "Volume")},
          {"vTreeList", json::array()},
          {"snapshotPolicyList", json::array()}};
}

}  // namespace scaleio::sim::views
