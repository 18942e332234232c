// Turns one observation of the gateway into the events that say what CHANGED since the observed
// state: the observer appends nothing when nothing changed, so the log grows with what happens,
// not with time. Pure (no I/O, no clock).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/events.pb.h"
#include "core/observed/observed_state.h"
#include "core/ports/scaleio_types.h"

namespace scaleio::observed {

// A pool's capacity counts as changed only when a figure moves by at least this share of the
// pool's maximum (or the maximum itself changes): thin pools fill continuously.
inline constexpr double kCapacityChangeFraction = 0.01;

// Events (payload and source set; stream, sequence and timestamp left to the log) taking `state`
// to what `inventory` shows. `statistics` (pool id → capacity) may be empty when it could not be
// read: the previous capacity is kept then.
std::vector<events::Envelope> observation_changes(
    const ObservedState& state, const sio::Inventory& inventory,
    const std::map<std::string, sio::PoolStatistics>& statistics);

// The *Observed payloads for single objects (sorted repeated fields), exposed for tests.
events::MdmClusterObserved to_event(const std::optional<sio::System>& system);
events::SdsObserved to_event(const sio::Sds& sds);
events::VolumeObserved to_event(const sio::Volume& volume);

}  // namespace scaleio::observed
