// What the operator last saw of the ScaleIO system, folded from the observer's events. Pure: the
// same events always give the same state. An outage marks the state stale and keeps every object
// (reconcilers must not act on a stale view, but nothing is forgotten).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/events.pb.h"

namespace scaleio::observed {

// An object as last observed, and the sequence of the event that last changed it.
template <typename T>
struct Seen {
  T value;
  uint64_t since = 0;
};

struct ObservedState {
  // Reachability. `stale` is true until the first successful observation and during outages.
  bool ever_reached = false;
  bool reachable = false;
  bool stale = true;
  uint64_t stale_since = 0;  // sequence of the GatewayUnreachable that began the outage
  std::string last_error;
  std::string gateway_version;

  std::optional<Seen<events::MdmClusterObserved>> mdm;  // nullopt: never observed
  std::map<std::string, Seen<events::ProtectionDomainObserved>> protection_domains;  // by id
  std::map<std::string, Seen<events::FaultSetObserved>> fault_sets;
  std::map<std::string, Seen<events::StoragePoolObserved>> storage_pools;
  std::map<std::string, Seen<events::SdsObserved>> sdss;
  std::map<std::string, Seen<events::SdcObserved>> sdcs;
  std::map<std::string, Seen<events::VolumeObserved>> volumes;
  uint64_t last_sequence = 0;

  // Applies one event; events of other kinds are ignored.
  void apply(const events::Envelope& event);
  // The events apply() folds (see AgentsProjection::folds).
  static bool folds(const events::Envelope& event);

  // Lookups by the names the plan uses.
  const events::ProtectionDomainObserved* domain_named(const std::string& name) const;
  const events::StoragePoolObserved* pool_named(const std::string& domain,
                                                const std::string& pool) const;
  const events::FaultSetObserved* fault_set_named(const std::string& domain,
                                                  const std::string& name) const;
  const events::SdcObserved* sdc_with_ip(const std::string& ip) const;
  const events::VolumeObserved* volume_named(const std::string& name) const;
  std::string domain_name(const std::string& id) const;  // "" when unknown
  // A cluster exists and its state is ClusteredNormal (or a one-node cluster whose master is
  // Normal: some gateways report it "NotClustered").
  bool mdm_healthy() const;
  std::string mdm_state() const;  // "no MDM cluster" or "state ClusteredDegraded", for messages
};

}  // namespace scaleio::observed
