// One reconciler's loop, steppable: it knows when its next pass is due and runs one pass when
// told. The deterministic Runtime steps every loop on one clock; the ThreadedRuntime gives each
// loop a thread. Both use this class, so the simulation tests the logic the daemon runs.
//
// A pass is due when its period has elapsed since the last one, when a relevant event arrived
// (Reconciler::wakes_on, or a pause/resume command for it), when the last pass's requeue_after
// is reached, or when one of its targets' backoff expires. Before the first pass and after any
// pass that took actions, fresh observation is asked for (refresh_observation) so that intents
// left without an outcome are resolved from the world as it is, not as it was logged; the loops
// of one runtime share an ObservationRefresher, so passes that acted together cost one poll.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/event_store.h"
#include "core/plan/settings.h"
#include "reconcilers/reconciler.h"
#include "reconcilers/runtime/backoff.h"
#include "reconcilers/runtime/journaled_executor.h"
#include "reconcilers/runtime/live_state.h"
#include "reconcilers/runtime/observation_refresher.h"

namespace scaleio::reconcilers {

struct RuntimeOptions {
  Clock::Duration default_period = std::chrono::seconds(30);
  std::map<std::string, Clock::Duration, std::less<>> periods;  // by reconciler name
  BackoffPolicy backoff;
  plan::ClusterSettings cluster;  // from the daemon's flags, for the plan
  // The projections the loops share (the daemon's API reads them too); null: the runtime makes
  // its own from `cluster`.
  std::shared_ptr<SharedProjections> projections;
  bool allow_removals = false;
  // Asks the observers for a fresh observation (the gateway's objects) and returns once its
  // events are in the log. Null = nothing to refresh. Its failure does not stop the pass: an
  // unreachable gateway is itself observed (a stale state reconcilers do not act on). The
  // runtime calls it through an ObservationRefresher (one poll serves the loops that acted
  // before it started), never twice at once, but from any loop's thread.
  std::function<Status()> refresh_observation;
  // ThreadedRuntime only: the longest real-time wait for new events before a loop looks at the
  // clock and at stop() again; stop() returns within the current pass plus this.
  std::chrono::milliseconds idle_wait{200};
};

// For the daemon's metrics; called on the thread that runs the pass (in the ThreadedRuntime,
// several at once: implementations must be thread-safe).
class RuntimeObserver {
 public:
  virtual ~RuntimeObserver() = default;
  virtual void pass_started(std::string_view /*reconciler*/) {}
  // `result` is "success", "error" or "paused".
  virtual void pass_finished(std::string_view /*reconciler*/, const PassOutcome& /*outcome*/,
                             double /*duration_seconds*/, std::string_view /*result*/) {}
};

// What /v1/reconcilers and /v1/drift show.
struct ReconcilerStatus {
  std::string name;
  bool paused = false;
  uint64_t passes = 0;  // passes that ran the reconciler (not the paused ones)
  std::optional<Clock::TimePoint> last_pass_start;
  std::optional<Clock::TimePoint> last_pass_end;
  std::string last_result;    // "success", "error", "paused"; "" before the first pass
  std::string last_error;     // of the last pass that ended in error
  std::string refresh_error;  // of the last failed refresh_observation, "" once one succeeds
  uint64_t actions_total = 0;
  std::vector<observed::DriftItem> drift;  // of the last pass that ran
  Clock::TimePoint next_due;
  std::vector<TargetRecord> backoff;  // targets whose last attempt failed
};

class ReconcilerLoop {
 public:
  // `refresher` (shared by the runtime's loops) must outlive the loop; `projections` are the
  // runtime's (options.projections or its own).
  ReconcilerLoop(EventStore& store, const Clock& clock, std::function<double()> random,
                 const RuntimeOptions& options, Reconciler& reconciler, RuntimeObserver* observer,
                 ObservationRefresher& refresher, std::shared_ptr<SharedProjections> projections);
  ReconcilerLoop(const ReconcilerLoop&) = delete;
  ReconcilerLoop& operator=(const ReconcilerLoop&) = delete;

  const std::string& name() const { return name_; }
  Clock::TimePoint next_due() const;
  bool due(Clock::TimePoint now) const { return now >= next_due(); }
  // A new event from the log: wakes the loop when relevant and not yet seen by a pass.
  void notify(const Envelope& event);
  // Something outside the log concerns this loop (offers arrived): its next pass is due now.
  void wake();
  // Runs one pass now. Returns false, doing nothing, when a pass of this loop is running.
  bool run_pass();
  ReconcilerStatus status() const;

 private:
  Clock::TimePoint schedule_after(Clock::TimePoint end, const std::string& result,
                                  const PassOutcome& outcome) const;
  std::string pass_id(Clock::TimePoint start, uint64_t number) const;

  Reconciler& reconciler_;
  const std::string name_;
  const std::string own_stream_;
  const Clock& clock_;
  const RuntimeOptions& options_;
  const Clock::Duration period_;
  RuntimeObserver* const observer_;
  ObservationRefresher& refresher_;

  // Touched only by the pass (pass_mu_ held).
  std::mutex pass_mu_;
  LiveState live_;
  JournaledExecutor executor_;
  // Set while the loop needs an observation newer than its last actions (or than its start)
  // before its next pass.
  std::optional<ObservationRefresher::Ticket> refresh_ticket_;
  uint64_t pass_number_ = 0;

  // Shared with notify() and status() readers.
  mutable std::mutex mu_;
  Clock::TimePoint due_at_;
  uint64_t seen_sequence_ = 0;  // the last event the latest pass read
  ReconcilerStatus status_;
};

}  // namespace scaleio::reconcilers
