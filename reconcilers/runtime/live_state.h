// The state a reconcile pass reads: the projections it needs, folded from the log, and the Plan
// computed from the agents. One LiveState is NOT thread-safe, by design: each reconciler loop
// owns its own copy and catches it up between its passes, so the projections never change while
// a pass reads them and loops never wait for one another (a pass holds its input across gateway
// and Mesos calls that may take seconds: a shared copy behind a lock would let one loop's long
// pass stall every other loop's catch-up). A loop's copy keeps only its own reconciler's part of
// the action journal, the largest projection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/action_journal.h"
#include "core/agents_projection.h"
#include "core/event_store.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/observed_projection.h"
#include "core/plan/plan.h"
#include "core/plan/settings.h"
#include "reconcilers/reconciler.h"

namespace scaleio::reconcilers {

struct LiveStateLoad {
  uint64_t last_sequence = 0;
  std::vector<std::string> from_snapshot;      // projections restored from a snapshot
  std::vector<std::string> snapshot_problems;  // why a snapshot present was not used
  uint64_t replayed_from = 0;    // the oldest snapshot used (0: some projection had none)
  uint64_t events_replayed = 0;  // events read from the log after it, once for all projections
};

class LiveState {
 public:
  LiveState(EventStore& store, plan::ClusterSettings settings)
      : store_(store), settings_(std::move(settings)) {}
  // A reconciler loop's: its journal holds only `reconciler`'s targets (ActionJournal's scoped
  // form), everything else is whole. Cannot save snapshots.
  LiveState(EventStore& store, plan::ClusterSettings settings, std::string reconciler)
      : store_(store), settings_(std::move(settings)), journal_(std::move(reconciler)) {}
  LiveState(const LiveState&) = delete;
  LiveState& operator=(const LiveState&) = delete;

  // Rebuilds every projection (from snapshots when present) up to the log's current end, with
  // one read of the log from the oldest snapshot used, then computes and records the plan.
  Result<LiveStateLoad> load();
  // Applies the events appended since the last load or catch-up (loads first when never loaded);
  // recomputes the plan when agents changed. Returns the number of events applied.
  Result<uint64_t> catch_up();
  bool loaded() const { return loaded_; }

  // Saves a snapshot of every projection at last_sequence(). For the daemon to call now and
  // then; never required for correctness. A loop's LiveState (scoped journal) refuses.
  Status save_snapshots();

  // A view valid until the next load() / catch_up(); its `analysis` is this LiveState's.
  ReconcileInput input(Clock::TimePoint now, bool allow_removals) const;
  // The drift analysis of the current plan and observed state: computed on first use and kept
  // until either changes, so passes over an unchanged world share one.
  const observed::DriftAnalysis& analysis() const;

  const plan::Plan& plan() const { return plan_; }
  const AgentsProjection& agents() const { return agents_; }
  const MesosTasksProjection& tasks() const { return tasks_; }
  const observed::ObservedState& observed() const { return observed_.state(); }
  const ActionJournal& journal() const { return journal_; }
  uint64_t last_sequence() const { return last_sequence_; }
  // How many drift analyses analysis() computed (an idle pass computes none).
  uint64_t analyses_computed() const { return analyses_computed_; }

 private:
  void compute_plan();
  // Records the plan unless a newer view than ours already recorded one (several loops each
  // hold a LiveState; the one that is behind must not put back an older plan).
  Status record_plan();

  EventStore& store_;
  const plan::ClusterSettings settings_;
  AgentsProjection agents_;
  MesosTasksProjection tasks_;
  observed::ObservedProjection observed_;
  ActionJournal journal_;
  plan::Plan plan_;
  // Derived from observed_ and plan_ on first use; dropped whenever either changes.
  mutable std::optional<observed::DriftAnalysis> analysis_;
  mutable uint64_t analyses_computed_ = 0;
  uint64_t last_sequence_ = 0;
  bool loaded_ = false;
  bool plan_unrecorded_ = false;  // recording failed: try again at the next catch-up
};

}  // namespace scaleio::reconcilers
