// The projections every reconciler loop reads alike — the agents and the plan computed from them,
// the Mesos tasks, the observed ScaleIO state and its drift analysis — folded once for all the
// loops of a daemon and handed out as immutable versions.
//
// Why: each loop used to fold its own copy of everything, so that a pass never waits for another
// loop's pass (a pass reads its input across gateway and Mesos calls that may take seconds). The
// daemon held five copies, 45 MB each at 5,000 agents. Here a version, once handed out, is never
// changed: the hub copies a projection before it changes it again (copy-on-write, per
// projection), so a pass keeps reading the version it started with for as long as it runs, and
// loops wait for one another only while the hub folds new events (microseconds per event, plus a
// copy of what changed), never for a pass. The action journal is not here: it changes with every
// action, and each loop folds its own part of it (ActionJournal's scoped form).
//
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/agents_projection.h"
#include "core/event_store.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/drift.h"
#include "core/observed/observed_projection.h"
#include "core/plan/plan.h"
#include "core/plan/settings.h"

namespace scaleio::reconcilers {

// The drift analysis of one plan and one observed state: computed by the first pass that asks
// for it, then shared by every pass that reads the same two versions.
class LazyAnalysis {
 public:
  LazyAnalysis(std::shared_ptr<const plan::Plan> plan,
               std::shared_ptr<const observed::ObservedProjection> observed,
               std::atomic<uint64_t>& computed)
      : plan_(std::move(plan)), observed_(std::move(observed)), computed_(computed) {}
  const observed::DriftAnalysis& get() const;

 private:
  const std::shared_ptr<const plan::Plan> plan_;  // the analysis points into both
  const std::shared_ptr<const observed::ObservedProjection> observed_;
  std::atomic<uint64_t>& computed_;
  mutable std::once_flag once_;
  mutable std::optional<observed::DriftAnalysis> analysis_;
};

// One consistent view: every projection reflects every event up to `sequence`.
struct ProjectionsVersion {
  std::shared_ptr<const AgentsProjection> agents;
  std::shared_ptr<const plan::Plan> plan;
  std::shared_ptr<const MesosTasksProjection> tasks;
  std::shared_ptr<const observed::ObservedProjection> observed;
  std::shared_ptr<const LazyAnalysis> analysis;
  uint64_t sequence = 0;
};

// What a load did, for the daemon's start-up log and SnapshotKeeper.
struct LiveStateLoad {
  uint64_t last_sequence = 0;
  std::vector<std::string> from_snapshot;      // projections restored from a snapshot
  std::vector<std::string> snapshot_problems;  // why a snapshot present was not used
  uint64_t replayed_from = 0;    // the oldest snapshot used (0: some projection had none)
  uint64_t events_replayed = 0;  // events read from the log after it, once for all projections

  // Starts a summary of a load up to `sequence`; add() each projection's part.
  explicit LiveStateLoad(uint64_t sequence = 0)
      : last_sequence(sequence), replayed_from(sequence) {}
  void add(std::string_view projection, const ProjectionLoad& load);
};

class SharedProjections {
 public:
  SharedProjections(EventStore& store, plan::ClusterSettings settings)
      : store_(store), settings_(std::move(settings)) {}
  SharedProjections(const SharedProjections&) = delete;
  SharedProjections& operator=(const SharedProjections&) = delete;

  // Folds the events appended since the last call (the first call loads, from snapshots when
  // present) and returns the newest version: at least at the log's end as of the call.
  Result<ProjectionsVersion> latest();
  // Rebuilds the shared projections from snapshots and the log; `extra` (a caller's own
  // projections, e.g. its journal) are loaded in the same single read of the log, up to the
  // returned version's sequence. `summary` names all of them.
  Result<ProjectionsVersion> reload(std::span<Projection* const> extra, LiveStateLoad& summary);

  EventStore& store() const { return store_; }
  bool loaded();
  const plan::ClusterSettings& settings() const { return settings_; }
  // Drift analyses computed so far (an idle pass computes none).
  uint64_t analyses_computed() const { return analyses_computed_.load(); }

 private:
  // Under mu_.
  Result<ProjectionsVersion> reload_locked(std::span<Projection* const> extra,
                                           LiveStateLoad& summary);
  Status fold_locked();
  void compute_plan_locked();
  Status record_plan_locked();
  ProjectionsVersion version_locked();

  EventStore& store_;
  const plan::ClusterSettings settings_;
  std::atomic<uint64_t> analyses_computed_{0};

  std::mutex mu_;
  bool loaded_ = false;
  // The newest state. A projection that has been handed out (`*_shared_`) is copied before the
  // next change, so every version handed out stays as it was.
  std::shared_ptr<AgentsProjection> agents_;
  std::shared_ptr<MesosTasksProjection> tasks_;
  std::shared_ptr<observed::ObservedProjection> observed_;
  bool agents_shared_ = false;
  bool tasks_shared_ = false;
  bool observed_shared_ = false;
  std::shared_ptr<const plan::Plan> plan_;
  std::shared_ptr<const LazyAnalysis> analysis_;  // of plan_ and observed_; reset by changes
  uint64_t sequence_ = 0;
  bool plan_unrecorded_ = false;  // recording failed: try again at the next fold
};

}  // namespace scaleio::reconcilers
