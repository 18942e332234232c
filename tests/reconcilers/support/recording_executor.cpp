#include "tests/reconcilers/support/recording_executor.h"

#include <algorithm>

namespace scaleio::reconcilers::testing {

RecordingExecutor::RecordingExecutor(EventStore& log, const ActionJournal& journal,
                                     const Clock& clock, std::string reconciler,
                                     ExecutorBackoff backoff)
    : log_(log),
      journal_(journal),
      clock_(clock),
      reconciler_(std::move(reconciler)),
      backoff_(backoff) {}

Status RecordingExecutor::append(events::Envelope event) {
  event.set_source(events::SOURCE_RECONCILER);
  event.set_timestamp_unix_ms(clock_.now_unix_ms());
  std::vector<events::Envelope> batch;
  batch.push_back(std::move(event));
  auto appended =
      log_.append(reconciler_stream(reconciler_), ExpectedVersion::any(), std::move(batch));
  return appended.ok() ? Status() : appended.status();
}

int64_t RecordingExecutor::next_attempt_ms(uint32_t attempt) const {
  auto delay = backoff_.initial;
  for (uint32_t i = 1; i < attempt && delay < backoff_.max; ++i) delay *= 2;
  delay = std::min(delay, backoff_.max);
  return clock_.now_unix_ms() + delay.count();
}

Result<std::string> RecordingExecutor::perform(const ActionRequest& request,
                                               const std::function<Result<std::string>()>& run) {
  performed_.push_back(request);
  events::Envelope started;
  auto* s = started.mutable_action_started();
  s->set_reconciler(reconciler_);
  s->set_action(request.action);
  s->set_target(request.target);
  s->set_idempotency_key(request.idempotency_key);
  s->set_detail(request.detail);
  if (Status st = append(std::move(started)); !st.ok()) return st;

  Result<std::string> result = run();
  if (crash_next_) {
    crash_next_ = false;
    return aborted("simulated crash after " + request.action + " " + request.target);
  }
  events::Envelope outcome;
  if (result.ok()) {
    auto* o = outcome.mutable_action_succeeded();
    o->set_reconciler(reconciler_);
    o->set_action(request.action);
    o->set_target(request.target);
    o->set_idempotency_key(request.idempotency_key);
    o->set_result(*result);
  } else {
    const TargetRecord* record = journal_.find(reconciler_, request.target);
    const uint32_t attempt = (record ? record->consecutive_failures : 0) + 1;
    auto* o = outcome.mutable_action_failed();
    o->set_reconciler(reconciler_);
    o->set_action(request.action);
    o->set_target(request.target);
    o->set_idempotency_key(request.idempotency_key);
    o->set_code(std::string(status_code_name(result.status().code())));
    o->set_error(result.status().message());
    o->set_attempt(attempt);
    o->set_next_attempt_unix_ms(next_attempt_ms(attempt));
  }
  if (Status st = append(std::move(outcome)); !st.ok()) return st;
  return result;
}

Status RecordingExecutor::resolve(const events::ActionStarted& intent, bool done,
                                  const std::string& result) {
  resolved_.emplace_back(intent.target(), done);
  events::Envelope outcome;
  if (done) {
    auto* o = outcome.mutable_action_succeeded();
    o->set_reconciler(intent.reconciler());
    o->set_action(intent.action());
    o->set_target(intent.target());
    o->set_idempotency_key(intent.idempotency_key());
    o->set_result(result);
    o->set_resolved_at_startup(true);
  } else {
    auto* o = outcome.mutable_action_failed();
    o->set_reconciler(intent.reconciler());
    o->set_action(intent.action());
    o->set_target(intent.target());
    o->set_idempotency_key(intent.idempotency_key());
    o->set_code("Aborted");
    o->set_error("the intent had no outcome and its effect was not observed");
    o->set_attempt(1);
    o->set_next_attempt_unix_ms(0);  // retry at once
    o->set_resolved_at_startup(true);
  }
  return append(std::move(outcome));
}

}  // namespace scaleio::reconcilers::testing
