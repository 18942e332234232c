#include "reconcilers/storage_pools/removal_safety.h"

#include <map>

#include "reconcilers/storage_pools/storage_lookup.h"

namespace scaleio::reconcilers::storage {

namespace {

// A device whose capacity counts in its pool: tested and on a connected, joined SDS.
bool counts_in_pool(const events::SdsObserved& sds, const events::DeviceObserved& device) {
  return device.state() == "Normal" && sds.connection_state() == "Connected" &&
         sds.membership_state() == "Joined";
}

}  // namespace

const events::SdsObserved* sds_in_removal(const observed::ObservedState& obs) {
  for (const auto& [_, s] : obs.sdss) {
    if (sds_being_removed(s.value)) return &s.value;
  }
  return nullptr;
}

std::string removal_blocker(const observed::ObservedState& obs, const std::string& domain_id,
                            const std::vector<const events::DeviceObserved*>& devices) {
  if (const auto* removing = sds_in_removal(obs)) {
    return "waiting for the rebalance of SDS " + removing->name() + " (state " + removing->state() +
           ") to finish: one SDS at a time";
  }
  for (const auto& [_, pool] : obs.storage_pools) {
    const auto& p = pool.value;
    if (p.protection_domain_id() != domain_id) continue;
    if (p.has_capacity() && p.capacity().failed_kb() > 0) {
      return "waiting for the rebuild of pool " + p.name() + " (" +
             std::to_string(p.capacity().failed_kb()) + " KB of capacity failed)";
    }
  }

  // Capacity leaving each pool.
  std::map<std::string, int64_t> leaving_kb;
  for (const auto* device : devices) {
    leaving_kb[device->storage_pool_id()];  // every pool touched is checked, even for 0 KB
    for (const auto& [_, s] : obs.sdss) {
      for (const auto& d : s.value.devices()) {
        if (d.id() == device->id() && counts_in_pool(s.value, d)) {
          leaving_kb[d.storage_pool_id()] += d.max_capacity_kb();
        }
      }
    }
  }
  for (const auto& [pool_id, kb] : leaving_kb) {
    auto pool = obs.storage_pools.find(pool_id);
    if (pool == obs.storage_pools.end()) continue;  // the pool is gone: nothing to hold
    const auto& p = pool->second.value;
    if (!p.has_capacity()) return "waiting for the capacity of pool " + p.name() + " to be read";
    const int64_t max_after = p.capacity().max_kb() - kb;
    const int64_t spare_after = max_after * p.spare_percentage() / 100;
    const int64_t in_use = p.capacity().in_use_kb();
    if (max_after - spare_after < in_use) {
      return "refused: pool " + p.name() + " would keep " +
             std::to_string(max_after - spare_after) + " KB beside its " +
             std::to_string(p.spare_percentage()) + "% spare for " + std::to_string(in_use) +
             " KB of data; add capacity first";
    }
  }
  return "";
}

}  // namespace scaleio::reconcilers::storage
