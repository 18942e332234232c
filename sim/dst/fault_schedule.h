// The faults of one simulated run, drawn from its seed before the run starts: what happens, to
// which host, when, and for how long. The same seed and fault mix always give the same schedule.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"

namespace scaleio::dst {

enum class FaultKind {
  kOperatorRestart,     // the process dies between steps and starts again from the log
  kOperatorCrashMidIo,  // the process dies inside its n-th next I/O (gateway or Mesos)
  kStreamBreak,         // the SUBSCRIBE connection breaks; the driver reconnects
  kMasterFailover,      // the leading master dies; the other takes over after recovery
  kLostUpdates,         // for a while, task status updates are lost before being recorded
  kDuplicatedUpdates,   // for a while, task status updates arrive twice
  kAgentLoss,           // an agent stops (its tasks are gone) and starts again under a new id
  kAgentPartition,      // an agent is cut off and heals (its tasks come back)
  kAttributeChange,     // an agent's attributes grow (a new volume or device) and it restarts
  kGatewayErrors,       // every gateway request answers 500 for a while
  kGatewayTimeouts,     // the gateway does not answer for a while
  kRequestFaults,       // for a while, single requests fail: 500, lost, or applied-but-unanswered
  kTokenExpiry,         // every gateway session token becomes invalid
  kComponentFailure,    // an MDM, tie-breaker, SDS or SDC process fails, and comes back
  kSlowWorld,           // slow SDS joins, device tests and rebalances (set for the whole run)
};

const char* fault_kind_name(FaultKind kind);
std::optional<FaultKind> parse_fault_kind(const std::string& name);
const std::vector<FaultKind>& all_fault_kinds();
// "all", "none", or names separated by commas ("agent_loss,gateway_errors").
Result<std::set<FaultKind>> parse_fault_mix(const std::string& text);

struct Fault {
  Clock::Duration at{};  // after the start of the run
  FaultKind kind = FaultKind::kOperatorRestart;
  std::string host;            // agent faults, component failures
  std::string component;       // "mdm", "tb", "sds", "sdc" for component failures
  Clock::Duration duration{};  // until it is undone (windows, outages)
  uint64_t count = 0;          // kOperatorCrashMidIo: which I/O from now
  std::string describe() const;
};

struct FaultScheduleOptions {
  std::set<FaultKind> kinds;
  Clock::Duration window = std::chrono::minutes(30);  // faults start within it
  int min_faults = 4;
  int max_faults = 16;
};

// Sorted by time. `hosts` are the agents' hostnames.
std::vector<Fault> draw_fault_schedule(std::mt19937_64& rng, const FaultScheduleOptions& options,
                                       const std::vector<std::string>& hosts);

}  // namespace scaleio::dst
