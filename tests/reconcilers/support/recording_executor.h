// An ActionExecutor for reconciler tests that records intents and outcomes in the event log
// exactly as the runtime's executor does (ActionStarted before, ActionSucceeded / ActionFailed
// after, stream "reconciler/<name>"), with a simple exponential backoff, and can "crash" between
// the intent and the outcome to leave a pending intent behind.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/action_journal.h"
#include "core/clock.h"
#include "core/event_store.h"
#include "reconcilers/action_executor.h"

namespace scaleio::reconcilers::testing {

struct ExecutorBackoff {
  std::chrono::milliseconds initial{1'000};
  std::chrono::milliseconds max{60'000};
};

class RecordingExecutor final : public ActionExecutor {
 public:
  // `journal` is read for the attempt count of a target (it is kept current by the fixture).
  RecordingExecutor(EventStore& log, const ActionJournal& journal, const Clock& clock,
                    std::string reconciler, ExecutorBackoff backoff = {});

  Result<std::string> perform(const ActionRequest& request,
                              const std::function<Result<std::string>()>& run) override;
  Status resolve(const events::ActionStarted& intent, bool done,
                 const std::string& result) override;

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
  Status append(events::Envelope event);
  int64_t next_attempt_ms(uint32_t attempt) const;

  EventStore& log_;
  const ActionJournal& journal_;
  const Clock& clock_;
  std::string reconciler_;
  ExecutorBackoff backoff_;
  bool crash_next_ = false;
  std::vector<ActionRequest> performed_;
  std::vector<std::pair<std::string, bool>> resolved_;
};

}  // namespace scaleio::reconcilers::testing
