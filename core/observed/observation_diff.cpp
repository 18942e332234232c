#include "core/observed/observation_diff.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include <google/protobuf/util/message_differencer.h>

namespace scaleio::observed {

namespace {

using google::protobuf::util::MessageDifferencer;

events::Envelope envelope() {
  events::Envelope e;
  e.set_source(events::SOURCE_OBSERVER);
  return e;
}

void add_member(events::MdmClusterObserved& out, const sio::MdmMember& m, const char* role) {
  if (m.id.empty()) return;
  auto* member = out.add_members();
  member->set_id(m.id);
  member->set_name(m.name);
  std::vector<std::string> ips = m.ips;
  std::sort(ips.begin(), ips.end());
  for (const auto& ip : ips) member->add_ips(ip);
  member->set_role(role);
  member->set_status(m.status);
  member->set_manager(m.role != "TieBreaker");
}

events::ProtectionDomainObserved to_event(const sio::ProtectionDomain& pd) {
  events::ProtectionDomainObserved out;
  out.set_id(pd.id);
  out.set_name(pd.name);
  out.set_state(pd.state);
  return out;
}

events::FaultSetObserved to_event(const sio::FaultSet& fs) {
  events::FaultSetObserved out;
  out.set_id(fs.id);
  out.set_name(fs.name);
  out.set_protection_domain_id(fs.protection_domain_id);
  return out;
}

events::PoolCapacity to_capacity(const sio::PoolStatistics& s) {
  events::PoolCapacity c;
  c.set_max_kb(s.max_capacity_kb);
  c.set_in_use_kb(s.capacity_in_use_kb);
  c.set_unused_kb(s.unused_capacity_kb);
  c.set_spare_kb(s.spare_capacity_kb);
  c.set_failed_kb(s.failed_capacity_kb);
  return c;
}

bool capacity_moved(const events::PoolCapacity& before, const events::PoolCapacity& now) {
  if (before.max_kb() != now.max_kb()) return true;
  const double threshold = static_cast<double>(now.max_kb()) * kCapacityChangeFraction;
  auto moved = [&](int64_t a, int64_t b) {
    return static_cast<double>(std::llabs(a - b)) >= std::max(threshold, 1.0);
  };
  return moved(before.in_use_kb(), now.in_use_kb()) || moved(before.unused_kb(), now.unused_kb()) ||
         moved(before.spare_kb(), now.spare_kb()) || moved(before.failed_kb(), now.failed_kb());
}

events::StoragePoolObserved to_event(const sio::StoragePool& pool,
                                     const std::map<std::string, sio::PoolStatistics>& stats,
                                     const events::StoragePoolObserved* before) {
  events::StoragePoolObserved out;
  out.set_id(pool.id);
  out.set_name(pool.name);
  out.set_protection_domain_id(pool.protection_domain_id);
  out.set_media_type(pool.media_type);
  out.set_spare_percentage(pool.spare_percentage);
  auto it = stats.find(pool.id);
  if (it != stats.end()) {
    *out.mutable_capacity() = to_capacity(it->second);
    // Small movements keep the figures already logged, so they compare equal.
    if (before && before->has_capacity() && !capacity_moved(before->capacity(), out.capacity())) {
      *out.mutable_capacity() = before->capacity();
    }
  } else if (before && before->has_capacity()) {
    *out.mutable_capacity() = before->capacity();
  }
  return out;
}

events::SdcObserved to_event(const sio::Sdc& sdc, const events::SdcObserved* before) {
  events::SdcObserved out;
  out.set_id(sdc.id);
  out.set_name(sdc.name);
  out.set_guid(sdc.guid);
  out.set_ip(sdc.ip.empty() && before ? before->ip() : sdc.ip);
  out.set_approved(sdc.approved);
  out.set_connection_state(sdc.connection_state);
  return out;
}

template <typename T>
const T* previous(const std::map<std::string, Seen<T>>& map, const std::string& id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second.value;
}

// Appends `now` when it differs from what is known, and ObjectGone for known ids not seen now.
template <typename T, typename Set>
void diff_kind(const char* kind, const std::map<std::string, Seen<T>>& known,
               const std::vector<T>& now, Set set, std::vector<events::Envelope>& out) {
  std::set<std::string> seen;
  for (const T& object : now) {
    seen.insert(object.id());
    const T* before = previous(known, object.id());
    if (before && MessageDifferencer::Equals(*before, object)) continue;
    events::Envelope e = envelope();
    set(e) = object;
    out.push_back(std::move(e));
  }
  for (const auto& [id, object] : known) {
    if (seen.count(id)) continue;
    events::Envelope e = envelope();
    auto* gone = e.mutable_scaleio_object_gone();
    gone->set_kind(kind);
    gone->set_id(id);
    gone->set_name(object.value.name());
    out.push_back(std::move(e));
  }
}

template <typename From, typename F>
auto convert(const std::vector<From>& objects, F f) {
  std::vector<decltype(f(objects.front()))> out;
  out.reserve(objects.size());
  for (const auto& o : objects) out.push_back(f(o));
  return out;
}

}  // namespace

events::MdmClusterObserved to_event(const std::optional<sio::System>& system) {
  events::MdmClusterObserved out;
  if (!system || !system->mdm_cluster) return out;
  const sio::MdmCluster& c = *system->mdm_cluster;
  out.set_exists(true);
  out.set_system_id(system->id);
  out.set_id(c.id);
  out.set_name(c.name);
  out.set_mode(c.mode);
  out.set_state(c.state);
  out.set_good_nodes(c.good_nodes);
  out.set_good_replicas(c.good_replicas);
  add_member(out, c.master, "master");
  for (const auto& m : c.slaves) add_member(out, m, "slave");
  for (const auto& m : c.tie_breakers) add_member(out, m, "tiebreaker");
  for (const auto& m : c.standbys) add_member(out, m, "standby");
  std::sort(out.mutable_members()->begin(), out.mutable_members()->end(),
            [](const auto& a, const auto& b) { return a.id() < b.id(); });
  return out;
}

events::SdsObserved to_event(const sio::Sds& sds) {
  events::SdsObserved out;
  out.set_id(sds.id);
  out.set_name(sds.name);
  out.set_protection_domain_id(sds.protection_domain_id);
  out.set_fault_set_id(sds.fault_set_id);
  std::vector<sio::SdsIp> ips = sds.ips;
  std::sort(ips.begin(), ips.end(), [](const auto& a, const auto& b) { return a.ip < b.ip; });
  for (const auto& ip : ips) {
    auto* o = out.add_ips();
    o->set_ip(ip.ip);
    o->set_role(ip.role);
  }
  out.set_port(sds.port);
  out.set_state(sds.state);
  out.set_membership_state(sds.membership_state);
  out.set_connection_state(sds.connection_state);
  std::vector<sio::Device> devices = sds.devices;
  std::sort(devices.begin(), devices.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  for (const auto& d : devices) {
    auto* o = out.add_devices();
    o->set_id(d.id);
    o->set_name(d.name);
    o->set_path(d.path);
    o->set_storage_pool_id(d.storage_pool_id);
    o->set_state(d.state);
    o->set_error_state(d.error_state);
    o->set_max_capacity_kb(d.max_capacity_kb);
  }
  return out;
}

events::VolumeObserved to_event(const sio::Volume& volume) {
  events::VolumeObserved out;
  out.set_id(volume.id);
  out.set_name(volume.name);
  out.set_size_kb(volume.size_kb);
  out.set_storage_pool_id(volume.storage_pool_id);
  out.set_type(volume.type);
  std::vector<std::string> sdcs;
  for (const auto& m : volume.mappings) sdcs.push_back(m.sdc_id);
  std::sort(sdcs.begin(), sdcs.end());
  for (const auto& id : sdcs) out.add_mapped_sdc_ids(id);
  return out;
}

std::vector<events::Envelope> observation_changes(
    const ObservedState& state, const sio::Inventory& inventory,
    const std::map<std::string, sio::PoolStatistics>& statistics) {
  std::vector<events::Envelope> out;

  const events::MdmClusterObserved mdm = to_event(inventory.system);
  if (!state.mdm || !MessageDifferencer::Equals(state.mdm->value, mdm)) {
    events::Envelope e = envelope();
    *e.mutable_mdm_cluster_observed() = mdm;
    out.push_back(std::move(e));
  }

  diff_kind(
      "ProtectionDomain", state.protection_domains,
      convert(inventory.protection_domains, [](const auto& o) { return to_event(o); }),
      [](events::Envelope & e) -> auto& { return *e.mutable_protection_domain_observed(); }, out);
  diff_kind(
      "FaultSet", state.fault_sets,
      convert(inventory.fault_sets, [](const auto& o) { return to_event(o); }),
      [](events::Envelope & e) -> auto& { return *e.mutable_fault_set_observed(); }, out);
  diff_kind(
      "StoragePool", state.storage_pools,
      convert(inventory.storage_pools,
              [&](const sio::StoragePool& o) {
                return to_event(o, statistics, previous(state.storage_pools, o.id));
              }),
      [](events::Envelope & e) -> auto& { return *e.mutable_storage_pool_observed(); }, out);
  diff_kind(
      "Sds", state.sdss, convert(inventory.sdss, [](const auto& o) { return to_event(o); }),
      [](events::Envelope & e) -> auto& { return *e.mutable_sds_observed(); }, out);
  diff_kind(
      "Sdc", state.sdcs,
      convert(inventory.sdcs,
              [&](const sio::Sdc& o) { return to_event(o, previous(state.sdcs, o.id)); }),
      [](events::Envelope & e) -> auto& { return *e.mutable_sdc_observed(); }, out);
  diff_kind(
      "Volume", state.volumes,
      convert(inventory.volumes, [](const auto& o) { return to_event(o); }),
      [](events::Envelope & e) -> auto& { return *e.mutable_volume_observed(); }, out);
  return out;
}

}  // namespace scaleio::observed
