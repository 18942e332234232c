// The event mix of the whole system, taken from a real run instead of invented: the deterministic
// simulation (sim/dst) runs the operator's real observers, reconcilers, runtime and log against the
// simulated Mesos master and ScaleIO gateway until the cluster converges, and every event its log
// then holds is kept, in order, with the bytes it had there. Benchmarks replay these events so that
// their payload kinds, sizes and proportions are the daemon's, not a guess.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/event_store.h"

namespace scaleio::bench {

struct SystemMixOptions {
  int agents = 100;
  uint64_t seed = 1;
  // false: converge from empty with no faults (what bench_convergence measures). true: the DST's
  // default fault mix (agent loss, restarts, gateway errors, ...), which adds the failure events.
  bool faults = false;
};

struct SystemMix {
  std::vector<Envelope> events;  // as the log holds them, sequence order
  bool converged = false;
  std::string run_summary;  // the simulation's one-line summary
};

// Runs the simulation and returns its log. Errors when the run could not be made or read.
Result<SystemMix> capture_system_mix(const SystemMixOptions& options);

// Proportions by event type and size distribution (serialised bytes, as stored): per type the
// count, share of events and of bytes, and bytes p50 / p90 / max; and the same over all events.
nlohmann::json describe_mix(const std::vector<Envelope>& events);

}  // namespace scaleio::bench
