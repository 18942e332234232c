// The daemon's API documents computed straight from the log (scaleioctl --data-dir): the same
// projections the reconcilers read (agents, Mesos tasks, observed ScaleIO state, action journal),
// folded up to any sequence, and the plan computed from the agents. Read-only: unlike the
// daemon's LiveState it never records the plan (the log has one writer, the daemon).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/action_journal.h"
#include "core/agents_projection.h"
#include "core/event_store.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/observed_projection.h"
#include "core/plan/plan.h"
#include "core/plan/settings.h"

namespace scaleio::ctl {

// The reconcilers the daemon runs (listed even before they have acted).
inline const std::vector<std::string>& standard_reconcilers() {
  static const std::vector<std::string> names = {"nodes", "mdm_quorum", "storage_pools",
                                                 "sdc_mappings"};
  return names;
}

class LogViews {
 public:
  // Folds every projection over events [1, up_to_sequence] (clamped to the log's end).
  static Result<LogViews> load(const EventStore& store, uint64_t up_to_sequence,
                               const plan::ClusterSettings& settings);

  uint64_t as_of_sequence() const { return as_of_; }

  // The documents of GET /v1/plan, /v1/state, /v1/drift and /v1/reconcilers. Drift and the
  // reconcilers' backoff are judged at `now_unix_ms`. Offline the per-reconciler part of drift
  // is the journal's (targets in backoff, intents without an outcome): a reconciler's own
  // reasoning lives only in the daemon.
  nlohmann::json plan_json() const;
  nlohmann::json state_json() const;
  nlohmann::json drift_json(int64_t now_unix_ms) const;
  nlohmann::json reconcilers_json(int64_t now_unix_ms) const;

 private:
  LogViews() = default;

  AgentsProjection agents_;
  MesosTasksProjection tasks_;
  observed::ObservedProjection observed_;
  ActionJournal journal_;
  plan::Plan plan_;
  std::string framework_id_;
  std::string recorded_plan_hash_;  // the daemon's last PlanComputed at or before as_of_
  uint64_t as_of_ = 0;
};

}  // namespace scaleio::ctl
