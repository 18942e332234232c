// SDCs (which only ever register themselves) and volumes with their mappings.
#include <algorithm>

#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim {

namespace {

MdmError volume_not_found() {
  return mdm_error(mdm_code::kVolumeNotFound, "Could not find the volume");
}
MdmError sdc_not_found() {
  return mdm_error(mdm_code::kSdcNotFound, "Could not find the SDC");
}

}  // namespace

MdmStatus ScaleioWorld::set_sdc_name(const std::string& id, const std::string& name) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  auto it = sdcs_.find(id);
  if (it == sdcs_.end()) return sdc_not_found();
  if (auto named = validate_name(name); !named.ok()) return named;
  for (const auto& [other_id, sdc] : sdcs_) {
    if (other_id != id && !name.empty() && sdc.name == name) {
      return mdm_error(mdm_code::kNameInUse,
                       "SDC name already in use. Please use a different name.");
    }
  }
  it->second.name = name;
  return mdm_ok();
}

MdmStatus ScaleioWorld::remove_sdc(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!sdcs_.count(id)) return sdc_not_found();
  for (const auto& [_, volume] : volumes_) {
    const auto& mapped = volume.mapped_sdc_ids;
    if (std::find(mapped.begin(), mapped.end(), id) != mapped.end()) {
      return mdm_error(mdm_code::kNotEmpty, "The SDC has mapped volumes");
    }
  }
  // A still-connected SDC registers again (with a new id) on the next refresh, as a real SDC
  // driver reconnects to the MDM.
  erase_sdc(id);
  return mdm_ok();
}

MdmResult<std::string> ScaleioWorld::add_volume(const NewVolume& spec) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  auto pool = pools_.find(spec.storage_pool_id);
  if (pool == pools_.end()) return mdm_error(mdm_code::kNotFound, "Not found");
  if (!spec.protection_domain_id.empty() &&
      pool->second.protection_domain_id != spec.protection_domain_id) {
    if (!pds_.count(spec.protection_domain_id)) {
      return mdm_error(mdm_code::kProtectionDomainNotFound, "Could not find Protection Domain");
    }
    return mdm_error(mdm_code::kInvalidOperation,
                     "The Storage Pool does not belong to the Protection Domain");
  }
  if (spec.size_kb <= 0) {
    return mdm_error(mdm_code::kInvalidOperation, "The volume size must be larger than zero");
  }
  if (auto named = validate_name(spec.name); !named.ok()) return named.error();
  for (const auto& [_, volume] : volumes_) {
    if (!spec.name.empty() && volume.name == spec.name) {
      return mdm_error(mdm_code::kNameInUse,
                       "Volume name already in use. Please use a different name.");
    }
  }
  Volume volume;
  volume.name = spec.name;
  volume.storage_pool_id = spec.storage_pool_id;
  volume.size_kb = round_up_to_8gb(spec.size_kb);
  volume.thin = spec.thin;
  if (volume_in_use_kb(volume) > pool_capacity(spec.storage_pool_id).unused_kb) {
    return mdm_error(mdm_code::kInsufficientCapacity,
                     "Not enough capacity in Storage Pool " + pool->second.name);
  }
  volume.id = ids_.next();
  volume.vtree_id = ids_.next();
  volume.creation_time = clock_.now_unix_ms() / 1000;
  volumes_.emplace(volume.id, volume);
  return volume.id;
}

MdmStatus ScaleioWorld::remove_volume(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  auto it = volumes_.find(id);
  if (it == volumes_.end()) return volume_not_found();
  if (!it->second.mapped_sdc_ids.empty()) {
    return mdm_error(mdm_code::kNotEmpty, "The volume is mapped to an SDC. Unmap it first.");
  }
  volumes_.erase(it);
  return mdm_ok();
}

MdmStatus ScaleioWorld::map_volume(const std::string& volume_id, const std::string& sdc_id,
                                   bool allow_multiple_mappings) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  auto it = volumes_.find(volume_id);
  if (it == volumes_.end()) return volume_not_found();
  if (!sdcs_.count(sdc_id)) return sdc_not_found();
  auto& mapped = it->second.mapped_sdc_ids;
  if (std::find(mapped.begin(), mapped.end(), sdc_id) != mapped.end()) {
    return mdm_error(mdm_code::kVolumeAlreadyMapped, "The volume is already mapped to this SDC");
  }
  if (!mapped.empty() && !allow_multiple_mappings) {
    return mdm_error(mdm_code::kInvalidOperation,
                     "The volume is already mapped to another SDC. Use allowMultipleMappings to "
                     "map it to more than one SDC.");
  }
  mapped.push_back(sdc_id);
  return mdm_ok();
}

MdmStatus ScaleioWorld::unmap_volume(const std::string& volume_id, const std::string& sdc_id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  auto it = volumes_.find(volume_id);
  if (it == volumes_.end()) return volume_not_found();
  auto& mapped = it->second.mapped_sdc_ids;
  auto pos = std::find(mapped.begin(), mapped.end(), sdc_id);
  if (pos == mapped.end()) {
    if (!sdcs_.count(sdc_id)) return sdc_not_found();
    return mdm_error(mdm_code::kVolumeNotMapped, "The volume is not mapped to this SDC");
  }
  mapped.erase(pos);
  return mdm_ok();
}

MdmStatus ScaleioWorld::resize_volume(const std::string& volume_id, int64_t size_gb) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  auto it = volumes_.find(volume_id);
  if (it == volumes_.end()) return volume_not_found();
  const int64_t new_kb = round_up_to_8gb(size_gb * kKbPerGb);
  if (new_kb < it->second.size_kb) {
    return mdm_error(mdm_code::kInvalidOperation, "A volume cannot be made smaller");
  }
  Volume grown = it->second;
  grown.size_kb = new_kb;
  const int64_t extra = volume_in_use_kb(grown) - volume_in_use_kb(it->second);
  if (extra > pool_capacity(grown.storage_pool_id).unused_kb) {
    return mdm_error(mdm_code::kInsufficientCapacity, "Not enough capacity in Storage Pool " +
                                                          pools_.at(grown.storage_pool_id).name);
  }
  it->second.size_kb = new_kb;
  return mdm_ok();
}

}  // namespace scaleio::sim
