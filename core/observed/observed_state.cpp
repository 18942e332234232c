#include "core/observed/observed_state.h"

namespace scaleio::observed {

namespace {

template <typename T>
void put(std::map<std::string, Seen<T>>& into, const T& value, uint64_t sequence) {
  into[value.id()] = Seen<T>{value, sequence};
}

}  // namespace

bool ObservedState::folds(const events::Envelope& event) {
  switch (event.payload_case()) {
    case events::Envelope::kGatewayReachable:
    case events::Envelope::kGatewayUnreachable:
    case events::Envelope::kMdmClusterObserved:
    case events::Envelope::kProtectionDomainObserved:
    case events::Envelope::kFaultSetObserved:
    case events::Envelope::kStoragePoolObserved:
    case events::Envelope::kSdsObserved:
    case events::Envelope::kSdcObserved:
    case events::Envelope::kVolumeObserved:
    case events::Envelope::kScaleioObjectGone:
      return true;
    default:
      return false;
  }
}

void ObservedState::apply(const events::Envelope& event) {
  if (!folds(event)) return;
  const uint64_t seq = event.sequence();
  switch (event.payload_case()) {
    case events::Envelope::kGatewayReachable:
      ever_reached = true;
      reachable = true;
      stale = false;
      stale_since = 0;
      last_error.clear();
      gateway_version = event.gateway_reachable().version();
      break;
    case events::Envelope::kGatewayUnreachable:
      if (!stale || stale_since == 0) stale_since = seq;
      reachable = false;
      stale = true;
      last_error = event.gateway_unreachable().error();
      break;
    case events::Envelope::kMdmClusterObserved:
      mdm = Seen<events::MdmClusterObserved>{event.mdm_cluster_observed(), seq};
      break;
    case events::Envelope::kProtectionDomainObserved:
      put(protection_domains, event.protection_domain_observed(), seq);
      break;
    case events::Envelope::kFaultSetObserved:
      put(fault_sets, event.fault_set_observed(), seq);
      break;
    case events::Envelope::kStoragePoolObserved:
      put(storage_pools, event.storage_pool_observed(), seq);
      break;
    case events::Envelope::kSdsObserved:
      put(sdss, event.sds_observed(), seq);
      break;
    case events::Envelope::kSdcObserved:
      put(sdcs, event.sdc_observed(), seq);
      break;
    case events::Envelope::kVolumeObserved:
      put(volumes, event.volume_observed(), seq);
      break;
    case events::Envelope::kScaleioObjectGone: {
      const auto& gone = event.scaleio_object_gone();
      const std::string& kind = gone.kind();
      if (kind == "ProtectionDomain") protection_domains.erase(gone.id());
      if (kind == "FaultSet") fault_sets.erase(gone.id());
      if (kind == "StoragePool") storage_pools.erase(gone.id());
      if (kind == "Sds") sdss.erase(gone.id());
      if (kind == "Sdc") sdcs.erase(gone.id());
      if (kind == "Volume") volumes.erase(gone.id());
      break;
    }
    default:
      return;
  }
  if (seq > last_sequence) last_sequence = seq;
}

const events::ProtectionDomainObserved* ObservedState::domain_named(const std::string& name) const {
  for (const auto& [_, pd] : protection_domains) {
    if (pd.value.name() == name) return &pd.value;
  }
  return nullptr;
}

const events::StoragePoolObserved* ObservedState::pool_named(const std::string& domain,
                                                             const std::string& pool) const {
  const auto* pd = domain_named(domain);
  if (pd == nullptr) return nullptr;
  for (const auto& [_, p] : storage_pools) {
    if (p.value.name() == pool && p.value.protection_domain_id() == pd->id()) return &p.value;
  }
  return nullptr;
}

const events::FaultSetObserved* ObservedState::fault_set_named(const std::string& domain,
                                                               const std::string& name) const {
  const auto* pd = domain_named(domain);
  if (pd == nullptr) return nullptr;
  for (const auto& [_, f] : fault_sets) {
    if (f.value.name() == name && f.value.protection_domain_id() == pd->id()) return &f.value;
  }
  return nullptr;
}

const events::SdcObserved* ObservedState::sdc_with_ip(const std::string& ip) const {
  for (const auto& [_, s] : sdcs) {
    if (s.value.ip() == ip) return &s.value;
  }
  return nullptr;
}

const events::VolumeObserved* ObservedState::volume_named(const std::string& name) const {
  for (const auto& [_, v] : volumes) {
    if (v.value.name() == name) return &v.value;
  }
  return nullptr;
}

std::string ObservedState::domain_name(const std::string& id) const {
  auto it = protection_domains.find(id);
  return it == protection_domains.end() ? "" : it->second.value.name();
}

bool ObservedState::mdm_healthy() const {
  if (!mdm || !mdm->value.exists()) return false;
  const auto& c = mdm->value;
  // A one-node cluster reports "NotClustered" on some gateways (UNVERIFIED): healthy when its
  // master is.
  if (c.mode() == "OneNode" && c.state() == "NotClustered") {
    for (const auto& m : c.members()) {
      if (m.role() == "master") return m.status() == "Normal";
    }
    return false;
  }
  return c.state() == "ClusteredNormal";
}

std::string ObservedState::mdm_state() const {
  if (!mdm || !mdm->value.exists()) return "no MDM cluster";
  return "state " + mdm->value.state();
}

}  // namespace scaleio::observed
