// A stand-in for the runtime's JournaledExecutor (reconcilers/runtime) while it is being written:
// appends the same events — ActionStarted, then ActionSucceeded or ActionFailed with the attempt
// number and the next attempt time — to the stream "reconciler/<name>". Backoff: 10 s doubling
// per consecutive failure of the target (as the journal counts them), capped at 5 minutes.
#pragma once

#include <string>

#include "core/action_journal.h"
#include "core/clock.h"
#include "core/event_store.h"
#include "reconcilers/action_executor.h"

namespace scaleio::testing {

class LogExecutor final : public reconcilers::ActionExecutor {
 public:
  static constexpr Clock::Duration kBaseBackoff = std::chrono::seconds(10);
  static constexpr Clock::Duration kMaxBackoff = std::chrono::minutes(5);

  // `journal` must be up to date with the log when a pass starts (the harness catches it up).
  LogExecutor(EventStore& store, const ActionJournal& journal, const Clock& clock,
              std::string reconciler)
      : store_(store), journal_(journal), clock_(clock), reconciler_(std::move(reconciler)) {}

  Result<std::string> perform(const reconcilers::ActionRequest& request,
                              const std::function<Result<std::string>()>& run) override;
  Status resolve(const events::ActionStarted& intent, bool done,
                 const std::string& result) override;

 private:
  Status append(Envelope event);

  EventStore& store_;
  const ActionJournal& journal_;
  const Clock& clock_;
  const std::string reconciler_;
};

}  // namespace scaleio::testing
