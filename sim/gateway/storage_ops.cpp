// Protection domains, fault sets, storage pools, SDSs and devices. Every operation first needs a
// reachable MDM cluster, as on a real system where the gateway only relays to the MDM.
#include <algorithm>

#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim {

namespace {

MdmError pd_not_found() {
  return mdm_error(mdm_code::kProtectionDomainNotFound, "Could not find Protection Domain");
}
MdmError not_found_error() {
  return mdm_error(mdm_code::kNotFound, "Not found");
}

}  // namespace

MdmResult<std::string> ScaleioWorld::add_protection_domain(const std::string& name) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (auto named = validate_name(name); !named.ok()) return named.error();
  for (const auto& [_, pd] : pds_) {
    if (!name.empty() && pd.name == name) {
      return mdm_error(mdm_code::kNameInUse,
                       "Protection Domain name already in use. Please use a different name.");
    }
  }
  ProtectionDomain pd{ids_.next(), name};
  pds_.emplace(pd.id, pd);
  return pd.id;
}

MdmStatus ScaleioWorld::remove_protection_domain(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!pds_.count(id)) return pd_not_found();
  const bool in_use =
      std::any_of(sdss_.begin(), sdss_.end(),
                  [&](const auto& kv) { return kv.second.protection_domain_id == id; }) ||
      std::any_of(pools_.begin(), pools_.end(),
                  [&](const auto& kv) { return kv.second.protection_domain_id == id; }) ||
      std::any_of(fault_sets_.begin(), fault_sets_.end(),
                  [&](const auto& kv) { return kv.second.protection_domain_id == id; });
  if (in_use) {
    return mdm_error(mdm_code::kNotEmpty,
                     "The Protection Domain still has SDSs, Storage Pools or Fault Sets");
  }
  pds_.erase(id);
  return mdm_ok();
}

MdmResult<std::string> ScaleioWorld::add_fault_set(const std::string& protection_domain_id,
                                                   const std::string& name) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!pds_.count(protection_domain_id)) return pd_not_found();
  if (auto named = validate_name(name); !named.ok()) return named.error();
  for (const auto& [_, fs] : fault_sets_) {
    if (!name.empty() && fs.protection_domain_id == protection_domain_id && fs.name == name) {
      return mdm_error(mdm_code::kNameInUse,
                       "Fault Set name already in use. Please use a different name.");
    }
  }
  FaultSet fs{ids_.next(), name, protection_domain_id};
  fault_sets_.emplace(fs.id, fs);
  return fs.id;
}

MdmStatus ScaleioWorld::remove_fault_set(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!fault_sets_.count(id)) return not_found_error();
  if (std::any_of(sdss_.begin(), sdss_.end(),
                  [&](const auto& kv) { return kv.second.fault_set_id == id; })) {
    return mdm_error(mdm_code::kNotEmpty, "The Fault Set still has SDSs");
  }
  fault_sets_.erase(id);
  return mdm_ok();
}

MdmResult<std::string> ScaleioWorld::add_storage_pool(const StoragePool& spec) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!pds_.count(spec.protection_domain_id)) return pd_not_found();
  if (auto named = validate_name(spec.name); !named.ok()) return named.error();
  for (const auto& [_, pool] : pools_) {
    if (!spec.name.empty() && pool.protection_domain_id == spec.protection_domain_id &&
        pool.name == spec.name) {
      return mdm_error(mdm_code::kNameInUse, "Storage Pool name already exists");
    }
  }
  if (spec.media_type != "HDD" && spec.media_type != "SSD" && spec.media_type != "Transitional") {
    return bad_request("Invalid mediaType: " + spec.media_type);
  }
  if (spec.spare_percentage < 0 || spec.spare_percentage > 99) {
    return bad_request("Invalid sparePercentage: " + std::to_string(spec.spare_percentage));
  }
  StoragePool pool = spec;
  pool.id = ids_.next();
  pools_.emplace(pool.id, pool);
  return pool.id;
}

MdmStatus ScaleioWorld::remove_storage_pool(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!pools_.count(id)) return not_found_error();
  const bool in_use =
      std::any_of(devices_.begin(), devices_.end(),
                  [&](const auto& kv) { return kv.second.storage_pool_id == id; }) ||
      std::any_of(volumes_.begin(), volumes_.end(),
                  [&](const auto& kv) { return kv.second.storage_pool_id == id; });
  if (in_use) {
    return mdm_error(mdm_code::kNotEmpty, "The Storage Pool still has devices or volumes");
  }
  pools_.erase(id);
  return mdm_ok();
}

MdmResult<std::string> ScaleioWorld::add_sds(const NewSds& spec) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!pds_.count(spec.protection_domain_id)) return pd_not_found();
  if (spec.ips.empty()) return missing_key("sdsIpList");
  const SdsIp* data_ip = nullptr;
  for (const auto& ip : spec.ips) {
    if (ip.role != "all" && ip.role != "sdcOnly" && ip.role != "sdsOnly") {
      return bad_request("Invalid SDS IP role: " + ip.role);
    }
    if (ip.role == "all" && !data_ip) data_ip = &ip;
  }
  if (!data_ip) {
    return mdm_error(mdm_code::kInvalidOperation, "At least one SDS IP must have the role all");
  }
  if (auto named = validate_name(spec.name); !named.ok()) return named.error();
  for (const auto& [_, sds] : sdss_) {
    if (!spec.name.empty() && sds.name == spec.name) {
      return mdm_error(mdm_code::kNameInUse,
                       "SDS name is already in use. Please use a different name.");
    }
    for (const auto& existing : sds.ips) {
      for (const auto& wanted : spec.ips) {
        if (existing.ip == wanted.ip && sds.port == spec.port) {
          return mdm_error(mdm_code::kSdsIpInUse, "The SDS IP address and port already in use.");
        }
      }
    }
  }
  if (!spec.fault_set_id.empty()) {
    auto fs = fault_sets_.find(spec.fault_set_id);
    if (fs == fault_sets_.end() || fs->second.protection_domain_id != spec.protection_domain_id) {
      return not_found_error();
    }
  }
  auto node = reachable_node(data_ip->ip, "sds", "SDS");
  if (!node.ok()) return node.error();
  for (const auto& device : spec.devices) {
    auto pool = pools_.find(device.storage_pool_id);
    if (pool == pools_.end() || pool->second.protection_domain_id != spec.protection_domain_id) {
      return not_found_error();
    }
  }

  Sds sds;
  sds.id = ids_.next();
  sds.name = spec.name.empty() ? "SDS_" + data_ip->ip : spec.name;
  sds.protection_domain_id = spec.protection_domain_id;
  sds.fault_set_id = spec.fault_set_id;
  sds.ips = spec.ips;
  sds.port = spec.port;
  sds.hostname = node.value()->install.hostname;
  sds.phase = SdsPhase::kJoining;
  sds.phase_ends = due_in(options_.sds_join_delay);
  note_phase_end(sds.phase_ends);
  sdss_.emplace(sds.id, sds);
  for (NewDevice device : spec.devices) {
    device.sds_id = sds.id;
    if (auto added = add_device(device); !added.ok()) {
      // ScaleIO adds the SDS and its devices as one operation: undo on a device error.
      erase_devices_of(sds.id);
      sdss_.erase(sds.id);
      return added.error();
    }
  }
  return sds.id;
}

MdmResult<std::string> ScaleioWorld::add_device(const NewDevice& spec) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  auto sds = sdss_.find(spec.sds_id);
  if (sds == sdss_.end()) return not_found_error();
  if (sds->second.phase == SdsPhase::kRemoving) {
    return mdm_error(mdm_code::kInvalidOperation, "The SDS is being removed");
  }
  auto pool = pools_.find(spec.storage_pool_id);
  if (pool == pools_.end()) return not_found_error();
  if (pool->second.protection_domain_id != sds->second.protection_domain_id) {
    return mdm_error(mdm_code::kInvalidOperation,
                     "The Storage Pool and the SDS belong to different Protection Domains");
  }
  if (spec.path.empty() || spec.path.front() != '/') {
    return mdm_error(mdm_code::kInvalidOperation, "Invalid device path: " + spec.path);
  }
  if (auto named = validate_name(spec.name); !named.ok()) return named.error();
  for (const auto& device_id : device_ids_by_sds_[spec.sds_id]) {
    const Device& device = devices_.at(device_id);
    if (device.path == spec.path) {
      return mdm_error(mdm_code::kNameInUse, "The device path is already in use by this SDS.");
    }
    if (!spec.name.empty() && device.name == spec.name) {
      return mdm_error(mdm_code::kNameInUse,
                       "Device name already in use. Please use a different name.");
    }
  }
  const Node& node = nodes_.at(sds->second.hostname);
  int64_t capacity_kb = options_.default_device_capacity_kb;
  const auto& declared = node.install.device_capacity_kb;
  if (!declared.empty()) {
    auto it = declared.find(spec.path);
    // A host that declares its disks has no others: opening an unknown path fails on the SDS.
    if (it == declared.end()) {
      return mdm_error(mdm_code::kComponentUnreachable,
                       "The SDS " + sds->second.name + " could not open device " + spec.path);
    }
    capacity_kb = it->second;
  }
  Device device;
  device.id = ids_.next();
  device.name = spec.name;
  device.path = spec.path;
  device.sds_id = spec.sds_id;
  device.storage_pool_id = spec.storage_pool_id;
  device.capacity_kb = capacity_kb;
  device.testing = true;
  device.test_ends = due_in(options_.device_test_delay);
  note_phase_end(device.test_ends);
  insert_device(device);
  return device.id;
}

MdmStatus ScaleioWorld::remove_sds(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  auto it = sdss_.find(id);
  if (it == sdss_.end()) return not_found_error();
  if (it->second.phase == SdsPhase::kRemoving) {
    return mdm_error(mdm_code::kInvalidOperation, "The SDS is already being removed");
  }
  if (auto room = check_capacity_after_removal(id, "", "SDS"); !room.ok()) return room;
  const int64_t data_kb = sds_capacity(id).in_use_kb;
  const auto rebalance =
      options_.rebalance_base +
      std::chrono::duration_cast<Clock::Duration>(std::chrono::duration<double>(
          static_cast<double>(data_kb) / static_cast<double>(options_.rebalance_kb_per_second)));
  it->second.phase = SdsPhase::kRemoving;
  it->second.phase_ends = due_in(rebalance);
  note_phase_end(it->second.phase_ends);
  return mdm_ok();
}

MdmStatus ScaleioWorld::remove_device(const std::string& id) {
  if (auto up = require_mdm(); !up.ok()) return up.error();
  if (!devices_.count(id)) return not_found_error();
  if (auto room = check_capacity_after_removal("", id, "device"); !room.ok()) return room;
  erase_device(id);
  return mdm_ok();
}

}  // namespace scaleio::sim
