// Statistics as the gateway reports them (Statistics relationship and querySelectedStatistics).
// Only capacity and object counts are simulated; I/O rates are always zero.
#include <algorithm>

#include "sim/gateway/object_views.h"

namespace scaleio::sim::views {

namespace {

using nlohmann::json;

void add(Capacity& into, const Capacity& c) {
  into.max_kb += c.max_kb;
  into.spare_kb += c.spare_kb;
  into.in_use_kb += c.in_use_kb;
  into.thick_in_use_kb += c.thick_in_use_kb;
  into.thin_in_use_kb += c.thin_in_use_kb;
  into.thin_allocated_kb += c.thin_allocated_kb;
  into.unused_kb += c.unused_kb;
  into.failed_kb += c.failed_kb;
}

json capacity_json(const Capacity& c) {
  return {{"maxCapacityInKb", c.max_kb},
          {"capacityLimitInKb", c.max_kb},
          {"spareCapacityInKb", c.spare_kb},
          {"capacityInUseInKb", c.in_use_kb},
          {"thickCapacityInUseInKb", c.thick_in_use_kb},
          {"thinCapacityInUseInKb", c.thin_in_use_kb},
          {"thinCapacityAllocatedInKb", c.thin_allocated_kb},
          {"unusedCapacityInKb", c.unused_kb},
          {"failedCapacityInKb", c.failed_kb},
          {"snapCapacityInUseInKb", 0},
          {"userDataReadBwc", {{"numSeconds", 0}, {"totalWeightInKb", 0}, {"numOccured", 0}}},
          {"userDataWriteBwc", {{"numSeconds", 0}, {"totalWeightInKb", 0}, {"numOccured", 0}}}};
}

template <typename Map, typename Pred>
int count_if(const Map& objects, Pred pred) {
  int n = 0;
  for (const auto& [_, o] : objects) {
    if (pred(o)) ++n;
  }
  return n;
}

}  // namespace

json statistics(const ScaleioWorld& world, const std::string& type, const std::string& id) {
  const auto all = [](const auto&) { return true; };
  if (type == "StoragePool") {
    json out = capacity_json(world.pool_capacity(id));
    out["numOfDevices"] =
        count_if(world.devices(), [&](const Device& d) { return d.storage_pool_id == id; });
    out["numOfVolumes"] =
        count_if(world.volumes(), [&](const Volume& v) { return v.storage_pool_id == id; });
    return out;
  }
  if (type == "Sds") {
    json out = capacity_json(world.sds_capacity(id));
    out["numOfDevices"] =
        count_if(world.devices(), [&](const Device& d) { return d.sds_id == id; });
    return out;
  }
  if (type == "Device") return capacity_json(world.device_capacity(id));
  if (type == "ProtectionDomain" || type == "System") {
    Capacity total;
    int pools = 0;
    for (const auto& [pool_id, pool] : world.storage_pools()) {
      if (type == "ProtectionDomain" && pool.protection_domain_id != id) continue;
      add(total, world.pool_capacity(pool_id));
      ++pools;
    }
    json out = capacity_json(total);
    out["numOfStoragePools"] = pools;
    if (type == "ProtectionDomain") {
      out["numOfSds"] =
          count_if(world.sdss(), [&](const Sds& s) { return s.protection_domain_id == id; });
      out["numOfFaultSets"] = count_if(
          world.fault_sets(), [&](const FaultSet& f) { return f.protection_domain_id == id; });
    } else {
      out["numOfProtectionDomains"] = count_if(world.protection_domains(), all);
      out["numOfSds"] = count_if(world.sdss(), all);
      out["numOfSdc"] = count_if(world.sdcs(), all);
      out["numOfVolumes"] = count_if(world.volumes(), all);
      out["numOfDevices"] = count_if(world.devices(), all);
    }
    return out;
  }
  if (type == "Sdc") {
    return {{"numOfMappedVolumes", count_if(world.volumes(), [&](const Volume& v) {
               return std::find(v.mapped_sdc_ids.begin(), v.mapped_sdc_ids.end(), id) !=
                      v.mapped_sdc_ids.end();
             })}};
  }
  if (type == "Volume") {
    auto it = world.volumes().find(id);
    if (it == world.volumes().end()) return json::object();
    return {{"numOfMappedSdcs", it->second.mapped_sdc_ids.size()},
            {"userDataReadBwc", {{"numSeconds", 0}, {"totalWeightInKb", 0}, {"numOccured", 0}}},
            {"userDataWriteBwc", {{"numSeconds", 0}, {"totalWeightInKb", 0}, {"numOccured", 0}}}};
  }
  if (type == "FaultSet") {
    return {
        {"numOfSds", count_if(world.sdss(), [&](const Sds& s) { return s.fault_set_id == id; })}};
  }
  return json::object();
}

}  // namespace scaleio::sim::views
