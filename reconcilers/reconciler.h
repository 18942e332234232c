// A reconciler: one level-triggered loop that compares the plan with the observed world and takes
// the next safe actions. The runtime (reconcilers/runtime.h) calls reconcile() on its own loop;
// a pass sees the WHOLE projected state (never "the last event"), so a missed or duplicated
// event does no harm. Reconcilers talk to the world only through ports (MesosDriver,
// GatewayClient) given to their constructors, and record every side effect through the
// ActionExecutor (intent before, outcome after).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/action_journal.h"
#include "core/agents_projection.h"
#include "core/clock.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/drift.h"
#include "core/observed/observed_state.h"
#include "core/plan/plan.h"
#include "reconcilers/action_executor.h"

namespace scaleio::reconcilers {

// Everything a pass may read, consistent as of `last_sequence` of the log.
struct ReconcileInput {
  const plan::Plan& plan;
  const observed::ObservedState& observed;  // the gateway's objects (stale during outages)
  const MesosTasksProjection& tasks;
  const AgentsProjection& agents;
  const ActionJournal& journal;
  Clock::TimePoint now;
  uint64_t last_sequence = 0;
  bool allow_removals = false;  // --allow-removals
  // The observed state's index and drift from the plan, from a caller that keeps them (LiveState
  // does, across passes, until either changes, and computes them only when a pass first asks:
  // the nodes reconciler never does). Empty: the pass computes its own (analysis_of).
  std::function<const observed::DriftAnalysis&()> analysis = nullptr;
};

// The input's analysis, or one computed into `own` when the input carries none.
inline const observed::DriftAnalysis& analysis_of(const ReconcileInput& input,
                                                  std::optional<observed::DriftAnalysis>& own) {
  if (input.analysis) return input.analysis();
  return own.emplace(input.plan, input.observed);
}

struct PassOutcome {
  // What is still between the world and the plan after this pass, including items the reconciler
  // refuses or waits for — each with a detail that says why (shown by /v1/drift and scaleioctl).
  std::vector<observed::DriftItem> drift;
  size_t actions_taken = 0;
  // The error that ended the pass early, if any (counted as result="error"). Failures of single
  // actions are not pass errors: they are in the journal with their backoff.
  Status status;
  // Look again after this long even when nothing happens (e.g. a backoff expiring).
  std::optional<Clock::Duration> requeue_after;
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  // "nodes", "mdm_quorum", "storage_pools", "sdc_mappings": names in events, metrics and the API.
  virtual std::string_view name() const = 0;
  // Whether a newly appended event should wake this reconciler before its period ends.
  virtual bool wakes_on(const Envelope& event) const = 0;
  // One pass. Never called concurrently with itself.
  virtual PassOutcome reconcile(const ReconcileInput& input, ActionExecutor& actions) = 0;
};

}  // namespace scaleio::reconcilers
