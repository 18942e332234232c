// The ActionExecutor over the event log: ActionStarted on the reconciler's stream before the
// action, ActionSucceeded / ActionFailed after it, all with the pass id as correlation id and the
// injected clock's time. A failure carries the target's attempt number (consecutive failures,
// 1-based) and its next attempt time from the backoff policy, so the backoff survives restarts:
// it is in the log, folded by the ActionJournal.
//
// One executor per reconciler loop, used by one pass at a time (not thread-safe).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/action_journal.h"
#include "core/clock.h"
#include "core/event_store.h"
#include "reconcilers/action_executor.h"
#include "reconcilers/runtime/backoff.h"

namespace scaleio::reconcilers {

class JournaledExecutor final : public ActionExecutor {
 public:
  // `journal` is the state the pass reads (consecutive failures before this pass); `random`
  // returns uniform values in [0, 1) for the jitter.
  JournaledExecutor(EventStore& store, const Clock& clock, std::function<double()> random,
                    std::string reconciler, const ActionJournal& journal,
                    BackoffPolicy policy = {});

  // Called by the runtime at the start of each pass: the correlation id of its events, and
  // the per-pass counters reset.
  void begin_pass(std::string pass_id);

  Result<std::string> perform(const ActionRequest& request,
                              const std::function<Result<std::string>()>& run) override;
  Status resolve(const events::ActionStarted& intent, bool done,
                 const std::string& result) override;

  // This pass: actions run (intent recorded, `run` called).
  size_t actions_run() const { return actions_run_; }
  // This pass: the earliest next attempt of a target that failed, if any.
  std::optional<int64_t> earliest_retry_unix_ms() const { return earliest_retry_ms_; }
  // This pass: the first outcome that could not be recorded (the intent stays pending and is
  // resolved from observation by a later pass).
  const Status& record_error() const { return record_error_; }

  const std::string& reconciler() const { return reconciler_; }

 private:
  uint32_t previous_failures(const std::string& target) const;
  Result<AppendResult> append(Envelope event, const std::string& causation);
  Status record_failure(const std::string& action, const std::string& target,
                        const std::string& key, const Status& error, const std::string& causation);

  EventStore& store_;
  const Clock& clock_;
  std::function<double()> random_;
  const std::string reconciler_;
  const std::string stream_;
  const ActionJournal& journal_;
  const BackoffPolicy policy_;

  std::string pass_id_;
  size_t actions_run_ = 0;
  std::optional<int64_t> earliest_retry_ms_;
  Status record_error_;
  // Outcomes this executor recorded that the journal may not have folded yet: target ->
  // (sequence of the outcome, consecutive failures after it).
  std::map<std::string, std::pair<uint64_t, uint32_t>> recent_;
};

}  // namespace scaleio::reconcilers
