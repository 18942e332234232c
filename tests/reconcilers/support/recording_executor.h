// The runtime's JournaledExecutor (the very events the daemon appends, with a deterministic
// backoff) plus what reconciler tests need around it: every request and resolution recorded for
// assertions, and a simulated crash between an action and its outcome that leaves a pending
// intent behind.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/action_journal.h"
#include "core/clock.h"
#include "core/event_store.h"
#include "reconcilers/action_executor.h"
#include "reconcilers/runtime/journaled_executor.h"

namespace scaleio::reconcilers::testing {

// 1 s, 2 s, 4 s, ... up to a minute, without jitter.
BackoffPolicy test_backoff();

class RecordingExecutor final : public ActionExecutor {
 public:
  RecordingExecutor(EventStore& log, const ActionJournal& journal, const Clock& clock,
                    std::string reconciler, BackoffPolicy backoff = test_backoff());

  Result<std::string> perform(const ActionRequest& request,
                              const std::function<Result<std::string>()>& run) override;
  Status resolve(const events::ActionStarted& intent, bool done,
                 const std::string& result) override;
  void begin_pass(std::string pass_id) { inner_.begin_pass(std::move(pass_id)); }

  // The next perform records its intent, runs the action and then returns Aborted without
  // recording an outcome, as if the process died right after the side effect.
  void crash_after_next_run() { crash_next_ = true; }

  // Every request performed (crashed ones included), in order.
  const std::vector<ActionRequest>& performed() const { return performed_; }
  // Every resolve() call: (target, done).
  const std::vector<std::pair<std::string, bool>>& resolved() const { return resolved_; }
  void clear() {
    performed_.clear();
    resolved_.clear();
  }

 private:
  Result<std::string> perform_and_crash(const ActionRequest& request,
                                        const std::function<Result<std::string>()>& run);

  EventStore& log_;
  const Clock& clock_;
  std::string reconciler_;
  JournaledExecutor inner_;
  bool crash_next_ = false;
  std::vector<ActionRequest> performed_;
  std::vector<std::pair<std::string, bool>> resolved_;
};

}  // namespace scaleio::reconcilers::testing
