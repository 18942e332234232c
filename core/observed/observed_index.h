// Lookups into an ObservedState by the names and addresses the plan uses, built once per pass.
//
// ObservedState keeps its objects by gateway id only, so finding "the SDC at 10.0.0.7" or "the
// volume named data" is a scan. A pass does such a lookup for every planned object, which made
// steady-state passes quadratic in the cluster size (issue 11: ~100 ms at 1,000 agents, x100 per
// x10 agents). This index hashes every object once (O(objects)) and answers each lookup in O(1).
//
// Answers are exactly those of the scans they replace: where several objects match, the first in
// id order (the order of ObservedState's maps), so passes and their output do not change. Lists
// of matches keep id order for the callers that pick another one (drift takes the last SDS).
//
// The index points into the state it was built from: it must not outlive it, and the state must
// not change while it is in use. Header-only: it is small, and core's source list is not ours.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/observed/observed_state.h"

namespace scaleio::observed {

class ObservedIndex {
 public:
  using SeenSds = Seen<events::SdsObserved>;

  explicit ObservedIndex(const ObservedState& state) : state_(state) {
    // Sized up front: growing the tables rehashes every key again (this runs once per change).
    sdss_by_name_.reserve(state.sdss.size());
    sdss_by_ip_.reserve(state.sdss.size());
    sdcs_by_ip_.reserve(state.sdcs.size());
    volumes_by_name_.reserve(state.volumes.size());
    for (const auto& [_, pd] : state.protection_domains) {
      domains_by_name_.emplace(pd.value.name(), &pd.value);  // emplace keeps the first
    }
    for (const auto& [_, fs] : state.fault_sets) {
      fault_sets_by_name_[fs.value.name()].push_back(&fs.value);
    }
    for (const auto& [_, pool] : state.storage_pools) {
      pools_by_name_[pool.value.name()].push_back(&pool.value);
    }
    for (const auto& [_, sds] : state.sdss) {
      sdss_by_name_[sds.value.name()].push_back(&sds);
      for (const auto& address : sds.value.ips()) {
        auto& at_ip = sdss_by_ip_[address.ip()];
        if (at_ip.empty() || at_ip.back() != &sds) at_ip.push_back(&sds);  // one per SDS
      }
    }
    for (const auto& [_, sdc] : state.sdcs) sdcs_by_ip_.emplace(sdc.value.ip(), &sdc.value);
    for (const auto& [_, v] : state.volumes) volumes_by_name_.emplace(v.value.name(), &v.value);
  }

  ObservedIndex(const ObservedIndex&) = delete;
  ObservedIndex& operator=(const ObservedIndex&) = delete;

  const ObservedState& state() const { return state_; }

  // The same answers as ObservedState's lookups of the same names.
  const events::ProtectionDomainObserved* domain_named(std::string_view name) const {
    return find_or_null(domains_by_name_, name);
  }
  const events::StoragePoolObserved* pool_named(std::string_view domain,
                                                std::string_view pool) const {
    return in_domain(pools_by_name_, domain, pool);
  }
  const events::FaultSetObserved* fault_set_named(std::string_view domain,
                                                  std::string_view name) const {
    return in_domain(fault_sets_by_name_, domain, name);
  }
  const events::SdcObserved* sdc_with_ip(std::string_view ip) const {
    return find_or_null(sdcs_by_ip_, ip);
  }
  const events::VolumeObserved* volume_named(std::string_view name) const {
    return find_or_null(volumes_by_name_, name);
  }

  // Every SDS with `ip` among its addresses, in any domain, in id order (each SDS once).
  const std::vector<const SeenSds*>& sdss_with_ip(std::string_view ip) const {
    return list_or_empty(sdss_by_ip_, ip);
  }
  // Every SDS called `name`, in id order (gateway names need not be unique across domains).
  const std::vector<const SeenSds*>& sdss_named(std::string_view name) const {
    return list_or_empty(sdss_by_name_, name);
  }

 private:
  template <typename T>
  using ByKey = std::unordered_map<std::string_view, T>;

  template <typename T>
  static const T* find_or_null(const ByKey<const T*>& index, std::string_view key) {
    auto it = index.find(key);
    return it == index.end() ? nullptr : it->second;
  }

  template <typename T>
  static const std::vector<T>& list_or_empty(const ByKey<std::vector<T>>& index,
                                             std::string_view key) {
    static const std::vector<T> kNone;
    auto it = index.find(key);
    return it == index.end() ? kNone : it->second;
  }

  // The first object called `name` in the domain called `domain` (names are per domain).
  template <typename T>
  const T* in_domain(const ByKey<std::vector<const T*>>& by_name, std::string_view domain,
                     std::string_view name) const {
    const auto* pd = domain_named(domain);
    if (pd == nullptr) return nullptr;
    for (const T* object : list_or_empty(by_name, name)) {
      if (object->protection_domain_id() == pd->id()) return object;
    }
    return nullptr;
  }

  const ObservedState& state_;
  ByKey<const events::ProtectionDomainObserved*> domains_by_name_;
  ByKey<std::vector<const events::FaultSetObserved*>> fault_sets_by_name_;
  ByKey<std::vector<const events::StoragePoolObserved*>> pools_by_name_;
  ByKey<std::vector<const SeenSds*>> sdss_by_name_;
  ByKey<std::vector<const SeenSds*>> sdss_by_ip_;
  ByKey<const events::SdcObserved*> sdcs_by_ip_;
  ByKey<const events::VolumeObserved*> volumes_by_name_;
};

}  // namespace scaleio::observed
