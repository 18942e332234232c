// The state a reconcile pass reads: the projections it needs, folded from the log, and the Plan
// computed from the agents. One LiveState is NOT thread-safe, by design: each reconciler loop
// owns its own and catches it up between its passes, so its input never changes while a pass
// reads it and loops never wait for one another's passes (a pass holds its input across gateway
// and Mesos calls that may take seconds). What all loops read alike comes from one
// SharedProjections as immutable versions; only the action journal is the LiveState's own, and a
// loop's holds only its reconciler's part of it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/action_journal.h"
#include "core/event_store.h"
#include "reconcilers/reconciler.h"
#include "reconcilers/runtime/shared_projections.h"

namespace scaleio::reconcilers {

class LiveState {
 public:
  // A LiveState on its own: projections of its own (a SharedProjections no one else uses) and
  // the whole journal. Tests and the simulation's checks use this form.
  LiveState(EventStore& store, plan::ClusterSettings settings)
      : shared_(std::make_shared<SharedProjections>(store, std::move(settings))) {}
  // A reconciler loop's: the projections of `shared` (the runtime's, shared by its loops), and a
  // journal of `reconciler`'s targets only (ActionJournal's scoped form). Cannot save snapshots.
  LiveState(std::shared_ptr<SharedProjections> shared, std::string reconciler)
      : shared_(std::move(shared)), journal_(std::move(reconciler)) {}
  // The projections of `shared` and the whole journal (the daemon's API, beside its loops).
  explicit LiveState(std::shared_ptr<SharedProjections> shared) : shared_(std::move(shared)) {}
  LiveState(const LiveState&) = delete;
  LiveState& operator=(const LiveState&) = delete;

  // Rebuilds the journal (from its snapshot when present) and the projections up to the log's
  // end, with one read of the log, then computes and records the plan. A LiveState that shares
  // projections someone has loaded already rebuilds only its journal and takes their newest
  // version.
  Result<LiveStateLoad> load();
  // Applies the events appended since the last load or catch-up (loads first when never loaded):
  // the shared projections' newest version, and the journal up to it. Returns how many events
  // the journal read.
  Result<uint64_t> catch_up();
  bool loaded() const { return loaded_; }
  // Lets go of the shared version (a loop between passes: versions nobody reads are freed, not
  // copied); the journal stays. The next catch_up() takes the newest version again; input(),
  // plan(), agents(), tasks(), observed() and analysis() need one first.
  void release_projections() { version_ = ProjectionsVersion{}; }

  // Saves a snapshot of every projection at last_sequence(). For the daemon to call now and
  // then; never required for correctness. A loop's LiveState (scoped journal) refuses.
  Status save_snapshots();

  // A view valid until the next load() / catch_up() / release_projections().
  ReconcileInput input(Clock::TimePoint now, bool allow_removals) const;
  // The drift analysis of the current plan and observed state: computed on first use and shared
  // (with every LiveState of the same SharedProjections) until either changes.
  const observed::DriftAnalysis& analysis() const { return version_.analysis->get(); }

  const plan::Plan& plan() const { return *version_.plan; }
  const AgentsProjection& agents() const { return *version_.agents; }
  const MesosTasksProjection& tasks() const { return *version_.tasks; }
  const observed::ObservedState& observed() const { return version_.observed->state(); }
  const ActionJournal& journal() const { return journal_; }
  uint64_t last_sequence() const { return last_sequence_; }
  // How many drift analyses were computed for this LiveState's projections (by it or by the
  // others sharing them). An idle pass computes none.
  uint64_t analyses_computed() const { return shared_->analyses_computed(); }

 private:
  std::shared_ptr<SharedProjections> shared_;
  ActionJournal journal_;
  ProjectionsVersion version_;
  uint64_t last_sequence_ = 0;
  bool loaded_ = false;
};

}  // namespace scaleio::reconcilers
