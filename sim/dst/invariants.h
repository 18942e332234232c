// What must hold after every step of a simulation, whatever the faults (docs/simulation-testing.md,
// "Invariants"). Each checker looks at the simulated world (the truth, not the operator's view)
// or at the log, keeps what it needs between steps, and returns a Violation when it catches one.
// They are separate small classes so that tests can plant each violation and see it caught.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/event_store.h"
#include "core/observed/observed_state.h"
#include "core/plan/settings.h"
#include "reconcilers/runtime/live_state.h"
#include "sim/agents.h"
#include "sim/dst/in_process_mesos_driver.h"
#include "sim/gateway/scaleio_world.h"

namespace scaleio::dst {

struct Violation {
  std::string invariant;  // "mdm_quorum", "created_twice", ...
  std::string detail;
};

// Never fewer than a quorum of good MDM members because of an operator action: the cluster had a
// quorum before the operator's step and has none after it. (Faults may take the quorum away; the
// simulation does not check across them.)
class QuorumInvariant {
 public:
  void before_operator_step(const sim::ScaleioWorld& world);
  std::optional<Violation> after_operator_step(const sim::ScaleioWorld& world) const;

 private:
  bool had_quorum_ = false;
  std::string before_;
};

// No ScaleIO object created twice: two live objects of one kind never share an identity (a
// domain's name, a pool's domain and name, an SDS's name or IP, a device's SDS and path, a
// volume's name, an MDM's IP), and without --allow-removals a storage identity never comes back
// under a new id (an MDM standby may: one that never joined is rolled back and added again by
// design). Mesos: at most one node task that is not terminal per host.
class CreatedOnceInvariant {
 public:
  std::optional<Violation> check(const sim::ScaleioWorld& world, bool removals_allowed);
  static std::optional<Violation> check_node_tasks(const sim::AgentWorld& mesos);

 private:
  std::map<std::string, std::string> first_id_;  // identity -> the id it was first seen with
};

// No removal without --allow-removals: an operator step never makes a storage object (domain,
// fault set, pool, SDS, device, volume, SDC) or a volume mapping disappear.
class NoRemovalInvariant {
 public:
  void before_operator_step(const sim::ScaleioWorld& world);
  std::optional<Violation> after_operator_step(const sim::ScaleioWorld& world,
                                               bool removals_allowed) const;

 private:
  std::set<std::string> before_;  // "kind/id" and "mapping/volume/sdc"
};

// Every acknowledged task status is in the log. Feed it every event of the log (in order).
class AcknowledgedInLogInvariant {
 public:
  void observe(const Envelope& event);
  std::optional<Violation> check(const std::vector<AcknowledgedStatus>& acknowledged);

 private:
  std::set<std::string> logged_uuids_;
  size_t checked_ = 0;  // acknowledgements already found in the log
};

// A host leaves the plan only when its agent has really gone (issue 10): AgentRemoved is appended
// only for an agent the master has not had (stopped or cut off) for at least --agent-gone-after,
// so a partition or restart shorter than that never changes the plan. (Attribute changes still
// do, through AgentObserved.)
class AgentKeptInvariant {
 public:
  explicit AgentKeptInvariant(std::chrono::milliseconds gone_after = mesos::kDefaultAgentGoneAfter)
      : gone_after_(gone_after) {}
  // After every change of the agents (a fault or its undoing): since when each one is away.
  void watch(const sim::AgentWorld& mesos, Clock::TimePoint now);
  // Every event of the log, in order, as it is appended (no fault in between).
  void observe(const Envelope& event);
  std::optional<Violation> check() const { return found_; }

 private:
  std::chrono::milliseconds gone_after_;
  std::map<std::string, Clock::TimePoint> away_since_;  // by hostname
  std::optional<Violation> found_;
};

// No volume this operator did not create is touched: volumes planted straight into the world (as
// another administrator would) keep their size, pool and mappings, and exist.
class ForeignVolumeInvariant {
 public:
  // Remembers the volume `id` as it is now.
  void remember(const sim::ScaleioWorld& world, const std::string& id);
  std::optional<Violation> check(const sim::ScaleioWorld& world) const;
  bool empty() const { return volumes_.empty(); }

 private:
  std::map<std::string, sim::Volume> volumes_;
};

// Projections rebuilt from the log equal the live ones: `live` (caught up step by step, as the
// daemon's and each loop's LiveState) and the gateway observer's state against every projection
// folded anew from the first event, and the plan computed from the rebuilt agents.
std::optional<Violation> check_projections(const EventStore& store,
                                           const reconcilers::LiveState& live,
                                           const observed::ObservedState& observer_state,
                                           const plan::ClusterSettings& settings);

// A digest of an ObservedState that two states share exactly when they hold the same objects as
// of the same events (used by check_projections).
std::string observed_digest(const observed::ObservedState& state);

}  // namespace scaleio::dst
