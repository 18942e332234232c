// Capacity accounting. The thin-provisioning rule (documented in docs/simulator-gateway.md):
// every volume is mirrored (two copies); a thick volume uses its whole size, a thin volume the
// share WorldOptions::thin_written_percent of it. Per-SDS and per-device figures are the pool's
// data spread in proportion to capacity, as ScaleIO's balancer keeps it.
#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim {

namespace {
constexpr int64_t kCopies = 2;

int64_t share(int64_t total, int64_t part, int64_t whole) {
  if (whole <= 0) return 0;
  return static_cast<int64_t>(static_cast<__int128>(total) * part / whole);
}
}  // namespace

int64_t ScaleioWorld::volume_in_use_kb(const Volume& volume) const {
  if (!volume.thin) return volume.size_kb * kCopies;
  return volume.size_kb * options_.thin_written_percent / 100 * kCopies;
}

bool ScaleioWorld::device_usable(const Device& device, const std::string& excluded_sds,
                                 const std::string& excluded_device) const {
  if (device.testing || device.id == excluded_device || device.sds_id == excluded_sds) {
    return false;
  }
  auto sds = sdss_.find(device.sds_id);
  return sds != sdss_.end() && sds->second.phase == SdsPhase::kJoined && sds_connected(sds->second);
}

Capacity ScaleioWorld::pool_capacity_without(const std::string& pool_id,
                                             const std::string& excluded_sds,
                                             const std::string& excluded_device) const {
  Capacity c;
  auto pool = pools_.find(pool_id);
  if (pool == pools_.end()) return c;
  for (const auto& [_, device] : devices_) {
    if (device.storage_pool_id != pool_id) continue;
    if (device_usable(device, excluded_sds, excluded_device)) {
      c.max_kb += device.capacity_kb;
    } else if (!device.testing && device.sds_id != excluded_sds && device.id != excluded_device) {
      auto sds = sdss_.find(device.sds_id);
      if (sds != sdss_.end() && sds->second.phase == SdsPhase::kJoined) {
        c.failed_kb += device.capacity_kb;
      }
    }
  }
  c.spare_kb = c.max_kb * pool->second.spare_percentage / 100;
  for (const auto& [_, volume] : volumes_) {
    if (volume.storage_pool_id != pool_id) continue;
    const int64_t used = volume_in_use_kb(volume);
    c.in_use_kb += used;
    if (volume.thin) {
      c.thin_in_use_kb += used;
      c.thin_allocated_kb += volume.size_kb * kCopies;
    } else {
      c.thick_in_use_kb += used;
    }
  }
  c.unused_kb = std::max<int64_t>(0, c.max_kb - c.spare_kb - c.in_use_kb);
  return c;
}

Capacity ScaleioWorld::pool_capacity(const std::string& pool_id) const {
  return pool_capacity_without(pool_id, "", "");
}

Capacity ScaleioWorld::device_capacity(const std::string& device_id) const {
  Capacity c;
  auto it = devices_.find(device_id);
  if (it == devices_.end()) return c;
  const Device& device = it->second;
  if (!device_usable(device)) {
    if (!device.testing) c.failed_kb = device.capacity_kb;
    return c;
  }
  // Shares by cumulative capacity in id order, so the devices' figures add up exactly to the
  // pool's (no rounding drift when a client sums them).
  int64_t before = 0;
  for (const auto& [id, other] : devices_) {
    if (id == device_id) break;
    if (other.storage_pool_id == device.storage_pool_id && device_usable(other)) {
      before += other.capacity_kb;
    }
  }
  const int64_t through = before + device.capacity_kb;
  const Capacity pool = pool_capacity(device.storage_pool_id);
  auto part = [&](int64_t total) {
    return share(total, through, pool.max_kb) - share(total, before, pool.max_kb);
  };
  c.max_kb = device.capacity_kb;
  c.spare_kb = part(pool.spare_kb);
  c.in_use_kb = part(pool.in_use_kb);
  c.thick_in_use_kb = part(pool.thick_in_use_kb);
  c.thin_in_use_kb = part(pool.thin_in_use_kb);
  c.thin_allocated_kb = part(pool.thin_allocated_kb);
  c.unused_kb = std::max<int64_t>(0, c.max_kb - c.spare_kb - c.in_use_kb);
  return c;
}

Capacity ScaleioWorld::sds_capacity(const std::string& sds_id) const {
  Capacity c;
  auto of_sds = device_ids_by_sds_.find(sds_id);
  if (of_sds == device_ids_by_sds_.end()) return c;
  for (const auto& id : of_sds->second) {
    const Capacity d = device_capacity(id);
    c.max_kb += d.max_kb;
    c.spare_kb += d.spare_kb;
    c.in_use_kb += d.in_use_kb;
    c.thick_in_use_kb += d.thick_in_use_kb;
    c.thin_in_use_kb += d.thin_in_use_kb;
    c.thin_allocated_kb += d.thin_allocated_kb;
    c.unused_kb += d.unused_kb;
    c.failed_kb += d.failed_kb;
  }
  return c;
}

MdmStatus ScaleioWorld::check_capacity_after_removal(const std::string& sds_id,
                                                     const std::string& device_id,
                                                     const std::string& what) const {
  std::set<std::string> pools;
  for (const auto& [id, device] : devices_) {
    if (device.sds_id == sds_id || id == device_id) pools.insert(device.storage_pool_id);
  }
  for (const auto& pool_id : pools) {
    const Capacity after = pool_capacity_without(pool_id, sds_id, device_id);
    if (after.max_kb - after.spare_kb < after.in_use_kb) {
      return mdm_error(mdm_code::kInsufficientCapacity,
                       "Not enough capacity in Storage Pool " + pools_.at(pool_id).name +
                           " to remove the " + what + ": " + std::to_string(after.in_use_kb) +
                           " KB in use, " + std::to_string(after.max_kb - after.spare_kb) +
                           " KB would remain");
    }
  }
  return mdm_ok();
}

}  // namespace scaleio::sim
