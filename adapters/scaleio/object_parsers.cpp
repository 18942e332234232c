#include "adapters/scaleio/object_parsers.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "adapters/scaleio/json_fields.h"

namespace scaleio::gateway {

using fields::boolean;
using fields::id;
using fields::integer;
using fields::text;

namespace {

std::vector<sio::MdmMember> members(const json& j, const char* key) {
  std::vector<sio::MdmMember> out;
  const json* list = fields::find(j, key);
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& m : *list) {
    if (m.is_object()) out.push_back(parse_mdm_member(m));
  }
  return out;
}

}  // namespace

sio::MdmMember parse_mdm_member(const json& j) {
  sio::MdmMember m;
  m.id = id(j, "id");
  m.name = text(j, "name");
  m.ips = fields::strings(j, "ips");
  m.management_ips = fields::strings(j, "managementIPs");
  m.role = text(j, "role");
  m.status = text(j, "status");
  m.port = static_cast<int>(integer(j, "port"));
  m.version_info = text(j, "versionInfo");
  return m;
}

sio::MdmCluster parse_mdm_cluster(const json& j) {
  sio::MdmCluster c;
  c.id = id(j, "id");
  c.name = text(j, "name");
  c.mode = text(j, "clusterMode");
  c.state = text(j, "clusterState");
  c.good_nodes = static_cast<int>(integer(j, "goodNodesNum"));
  c.good_replicas = static_cast<int>(integer(j, "goodReplicasNum"));
  if (const json* master = fields::find(j, "master"); master && master->is_object()) {
    c.master = parse_mdm_member(*master);
  }
  c.slaves = members(j, "slaves");
  c.tie_breakers = members(j, "tieBreakers");
  c.standbys = members(j, "standbyMDMs");
  return c;
}

sio::System parse_system(const json& j) {
  sio::System s;
  s.id = id(j, "id");
  s.name = text(j, "name");
  s.version_name = text(j, "systemVersionName");
  if (const json* cluster = fields::find(j, "mdmCluster"); cluster && cluster->is_object()) {
    s.mdm_cluster = parse_mdm_cluster(*cluster);
  }
  return s;
}

sio::ProtectionDomain parse_protection_domain(const json& j) {
  return {id(j, "id"), text(j, "name"), text(j, "protectionDomainState")};
}

sio::FaultSet parse_fault_set(const json& j) {
  return {id(j, "id"), text(j, "name"), id(j, "protectionDomainId")};
}

sio::StoragePool parse_storage_pool(const json& j) {
  sio::StoragePool p;
  p.id = id(j, "id");
  p.name = text(j, "name");
  p.protection_domain_id = id(j, "protectionDomainId");
  p.media_type = text(j, "mediaType");
  p.spare_percentage = static_cast<int>(integer(j, "sparePercentage"));
  p.zero_padding_enabled = boolean(j, "zeroPaddingEnabled");
  return p;
}

sio::Sds parse_sds(const json& j) {
  sio::Sds s;
  s.id = id(j, "id");
  s.name = text(j, "name");
  s.protection_domain_id = id(j, "protectionDomainId");
  s.fault_set_id = id(j, "faultSetId");
  if (const json* ips = fields::find(j, "ipList"); ips && ips->is_array()) {
    for (const auto& entry : *ips) {
      // GET answers a flat {"ip","role"}; tolerate the POST form's {"SdsIp":{...}} wrapper too.
      const json& ip = entry.is_object() && entry.contains("SdsIp") ? entry["SdsIp"] : entry;
      if (!ip.is_object()) continue;
      sio::SdsIp out{text(ip, "ip"), text(ip, "role")};
      if (!out.ip.empty()) s.ips.push_back(std::move(out));
    }
  }
  s.port = static_cast<int>(integer(j, "port"));
  s.state = text(j, "sdsState");
  s.membership_state = text(j, "membershipState");
  s.connection_state = text(j, "mdmConnectionState");
  return s;
}

sio::Device parse_device(const json& j) {
  sio::Device d;
  d.id = id(j, "id");
  d.name = text(j, "name");
  // GET samples spell it with a capital N, some gateways and POST bodies without.
  d.path = fields::text_any(j, {"deviceCurrentPathName", "deviceCurrentPathname"});
  d.sds_id = id(j, "sdsId");
  d.storage_pool_id = id(j, "storagePoolId");
  d.state = text(j, "deviceState");
  d.error_state = text(j, "errorState");
  d.capacity_limit_kb = integer(j, "capacityLimitInKb");
  d.max_capacity_kb = integer(j, "maxCapacityInKb");
  return d;
}

sio::Sdc parse_sdc(const json& j) {
  sio::Sdc s;
  s.id = id(j, "id");
  s.name = text(j, "name");
  s.ip = text(j, "sdcIp");
  if (s.ip == "N/A") s.ip.clear();
  s.guid = text(j, "sdcGuid");
  s.approved = boolean(j, "sdcApproved");
  s.connection_state = text(j, "mdmConnectionState");
  return s;
}

sio::Volume parse_volume(const json& j) {
  sio::Volume v;
  v.id = id(j, "id");
  v.name = text(j, "name");
  v.size_kb = integer(j, "sizeInKb");
  v.storage_pool_id = id(j, "storagePoolId");
  v.type = text(j, "volumeType");
  // null, not [], when unmapped.
  if (const json* mapped = fields::find(j, "mappedSdcInfo"); mapped && mapped->is_array()) {
    for (const auto& m : *mapped) {
      sio::VolumeMapping mapping{id(m, "sdcId"), text(m, "sdcIp")};
      if (mapping.sdc_ip == "N/A") mapping.sdc_ip.clear();
      if (!mapping.sdc_id.empty()) v.mappings.push_back(std::move(mapping));
    }
  }
  std::sort(v.mappings.begin(), v.mappings.end(),
            [](const auto& a, const auto& b) { return a.sdc_id < b.sdc_id; });
  return v;
}

sio::PoolStatistics parse_pool_statistics(const json& j) {
  sio::PoolStatistics s;
  s.max_capacity_kb = integer(j, "maxCapacityInKb");
  s.capacity_in_use_kb = integer(j, "capacityInUseInKb");
  s.unused_capacity_kb = integer(j, "unusedCapacityInKb");
  s.spare_capacity_kb = integer(j, "spareCapacityInKb");
  s.failed_capacity_kb = integer(j, "failedCapacityInKb");
  s.thin_allocated_kb = integer(j, "thinCapacityAllocatedInKb");
  s.devices = integer(j, "numOfDevices");
  s.volumes = integer(j, "numOfVolumes");
  return s;
}

void attach_devices(std::vector<sio::Sds>& sdss, const std::vector<sio::Device>& devices) {
  // Grouped once: matching every SDS against every device was 75 million comparisons at 5,000
  // nodes. Each SDS still gets its devices in listing order before the sort.
  std::unordered_map<std::string_view, std::vector<const sio::Device*>> by_sds;
  for (const auto& d : devices) by_sds[d.sds_id].push_back(&d);
  for (auto& sds : sdss) {
    sds.devices.clear();
    if (auto it = by_sds.find(sds.id); it != by_sds.end()) {
      sds.devices.reserve(it->second.size());
      for (const sio::Device* d : it->second) sds.devices.push_back(*d);
    }
    std::sort(sds.devices.begin(), sds.devices.end(),
              [](const auto& a, const auto& b) { return a.path < b.path; });
  }
}

Result<sio::Inventory> parse_inventory(const json& j, const std::string& endpoint) {
  if (!j.is_object()) {
    return invalid_argument(endpoint + ": expected a JSON object, got " +
                            std::string(j.type_name()));
  }
  sio::Inventory inv;
  if (const json* system = fields::find(j, "System"); system) {
    // Some gateways wrap the one System in an array.
    const json& s = system->is_array() && !system->empty() ? (*system)[0] : *system;
    if (s.is_object()) {
      inv.system = parse_system(s);
      if (inv.system->id.empty()) inv.system.reset();
    }
  }
  auto list = [&](const char* key, auto parse, auto& into) -> Status {
    const json* value = fields::find(j, key);
    if (value == nullptr) return Status();  // a gateway without that type lists nothing
    auto parsed = parse_list(*value, parse, endpoint + " " + key);
    if (!parsed.ok()) return parsed.status();
    into = std::move(parsed).value();
    return Status();
  };
  if (Status s = list("protectionDomainList", &parse_protection_domain, inv.protection_domains);
      !s.ok())
    return s;
  if (Status s = list("faultSetList", &parse_fault_set, inv.fault_sets); !s.ok()) return s;
  if (Status s = list("storagePoolList", &parse_storage_pool, inv.storage_pools); !s.ok()) return s;
  if (Status s = list("sdsList", &parse_sds, inv.sdss); !s.ok()) return s;
  if (Status s = list("deviceList", &parse_device, inv.devices); !s.ok()) return s;
  if (Status s = list("sdcList", &parse_sdc, inv.sdcs); !s.ok()) return s;
  if (Status s = list("volumeList", &parse_volume, inv.volumes); !s.ok()) return s;
  attach_devices(inv.sdss, inv.devices);
  return inv;
}

Result<std::map<std::string, sio::PoolStatistics>> parse_pool_statistics_map(
    const json& j, const std::string& endpoint) {
  if (!j.is_object()) {
    return invalid_argument(endpoint + ": expected a JSON object, got " +
                            std::string(j.type_name()));
  }
  std::map<std::string, sio::PoolStatistics> out;
  for (const auto& [pool_id, stats] : j.items()) {
    if (!stats.is_object()) {
      return invalid_argument(endpoint + ": statistics of " + pool_id + " are not an object");
    }
    out[pool_id] = parse_pool_statistics(stats);
  }
  return out;
}

}  // namespace scaleio::gateway
