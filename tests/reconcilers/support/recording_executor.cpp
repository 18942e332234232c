#include "tests/reconcilers/support/recording_executor.h"

namespace scaleio::reconcilers::testing {

BackoffPolicy test_backoff() {
  BackoffPolicy policy;
  policy.base = std::chrono::seconds(1);
  policy.cap = std::chrono::minutes(1);
  policy.jitter_min = 1.0;
  policy.jitter_max = 1.0;
  return policy;
}

RecordingExecutor::RecordingExecutor(EventStore& log, const ActionJournal& journal,
                                     const Clock& clock, std::string reconciler,
                                     BackoffPolicy backoff)
    : log_(log),
      clock_(clock),
      reconciler_(reconciler),
      inner_(
          log, clock, [] { return 0.5; }, std::move(reconciler), journal, backoff) {}

Result<std::string> RecordingExecutor::perform(const ActionRequest& request,
                                               const std::function<Result<std::string>()>& run) {
  performed_.push_back(request);
  if (crash_next_) {
    crash_next_ = false;
    return perform_and_crash(request, run);
  }
  return inner_.perform(request, run);
}

// The intent as the JournaledExecutor writes it, the side effect, and no outcome.
Result<std::string> RecordingExecutor::perform_and_crash(
    const ActionRequest& request, const std::function<Result<std::string>()>& run) {
  events::Envelope intent;
  auto* s = intent.mutable_action_started();
  s->set_reconciler(reconciler_);
  s->set_action(request.action);
  s->set_target(request.target);
  s->set_idempotency_key(request.idempotency_key);
  s->set_detail(request.detail);
  intent.set_source(events::SOURCE_RECONCILER);
  intent.set_timestamp_unix_ms(clock_.now_unix_ms());
  std::vector<events::Envelope> batch;
  batch.push_back(std::move(intent));
  auto appended =
      log_.append(reconciler_stream(reconciler_), ExpectedVersion::any(), std::move(batch));
  if (!appended.ok()) return appended.status();
  (void)run();
  return aborted("simulated crash after " + request.action + " " + request.target);
}

Status RecordingExecutor::resolve(const events::ActionStarted& intent, bool done,
                                  const std::string& result) {
  resolved_.emplace_back(intent.target(), done);
  return inner_.resolve(intent, done, result);
}

}  // namespace scaleio::reconcilers::testing
