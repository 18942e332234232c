#include "reconcilers/runtime/journaled_executor.h"

#include <algorithm>

namespace scaleio::reconcilers {

JournaledExecutor::JournaledExecutor(EventStore& store, const Clock& clock,
                                     std::function<double()> random, std::string reconciler,
                                     const ActionJournal& journal, BackoffPolicy policy)
    : store_(store),
      clock_(clock),
      random_(std::move(random)),
      reconciler_(std::move(reconciler)),
      stream_(reconciler_stream(reconciler_)),
      journal_(journal),
      policy_(policy) {}

void JournaledExecutor::begin_pass(std::string pass_id) {
  pass_id_ = std::move(pass_id);
  actions_run_ = 0;
  earliest_retry_ms_.reset();
  record_error_ = Status();
  // Forget what the journal has folded by now.
  std::erase_if(recent_,
                [&](const auto& kv) { return kv.second.first <= journal_.last_sequence(); });
}

uint32_t JournaledExecutor::previous_failures(const std::string& target) const {
  auto it = recent_.find(target);
  if (it != recent_.end() && it->second.first > journal_.last_sequence()) return it->second.second;
  const TargetRecord* r = journal_.find(reconciler_, target);
  return r ? r->consecutive_failures : 0;
}

Result<AppendResult> JournaledExecutor::append(Envelope event, const std::string& causation) {
  event.set_source(events::SOURCE_RECONCILER);
  event.set_timestamp_unix_ms(clock_.now_unix_ms());
  event.set_correlation_id(pass_id_);
  if (!causation.empty()) event.set_causation_id(causation);
  std::vector<Envelope> events;
  events.push_back(std::move(event));
  return store_.append(stream_, ExpectedVersion::any(), std::move(events));
}

Status JournaledExecutor::record_failure(const std::string& action, const std::string& target,
                                         const std::string& key, const Status& error,
                                         const std::string& causation) {
  const uint32_t attempt = previous_failures(target) + 1;
  const int64_t next_ms =
      clock_.now_unix_ms() + std::chrono::duration_cast<std::chrono::milliseconds>(
                                 backoff_delay(policy_, attempt, random_ ? random_() : 0.5))
                                 .count();
  Envelope e;
  auto* f = e.mutable_action_failed();
  f->set_reconciler(reconciler_);
  f->set_action(action);
  f->set_target(target);
  f->set_idempotency_key(key);
  f->set_code(std::string(status_code_name(error.code())));
  f->set_error(error.message());
  f->set_attempt(attempt);
  f->set_next_attempt_unix_ms(next_ms);
  Result<AppendResult> r = append(std::move(e), causation);
  if (!r.ok()) return r.status();
  recent_[target] = {r->last_sequence, attempt};
  earliest_retry_ms_ = std::min(earliest_retry_ms_.value_or(next_ms), next_ms);
  return Status();
}

Result<std::string> JournaledExecutor::perform(const ActionRequest& request,
                                               const std::function<Result<std::string>()>& run) {
  Envelope intent;
  auto* s = intent.mutable_action_started();
  s->set_reconciler(reconciler_);
  s->set_action(request.action);
  s->set_target(request.target);
  s->set_idempotency_key(request.idempotency_key);
  s->set_detail(request.detail);
  Result<AppendResult> started = append(std::move(intent), "");
  if (!started.ok()) return started.status();  // no intent on record: do not act
  const std::string causation = std::to_string(started->last_sequence);

  ++actions_run_;
  Result<std::string> result = run();

  Status recorded;
  if (result.ok()) {
    Envelope e;
    auto* ok = e.mutable_action_succeeded();
    ok->set_reconciler(reconciler_);
    ok->set_action(request.action);
    ok->set_target(request.target);
    ok->set_idempotency_key(request.idempotency_key);
    ok->set_result(*result);
    Result<AppendResult> r = append(std::move(e), causation);
    if (r.ok()) recent_[request.target] = {r->last_sequence, 0};
    recorded = r.status();
  } else {
    recorded = record_failure(request.action, request.target, request.idempotency_key,
                              result.status(), causation);
  }
  // The action happened either way: return what it did. The intent without an outcome is
  // resolved from observation by a later pass, like after a crash.
  if (!recorded.ok() && record_error_.ok()) record_error_ = recorded;
  return result;
}

Status JournaledExecutor::resolve(const events::ActionStarted& intent, bool done,
                                  const std::string& result) {
  const uint32_t failures = previous_failures(intent.target());
  const TargetRecord* record = journal_.find(reconciler_, intent.target());
  const std::string causation =
      record && record->pending_sequence > 0 ? std::to_string(record->pending_sequence) : "";
  Envelope e;
  if (done) {
    auto* ok = e.mutable_action_succeeded();
    ok->set_reconciler(reconciler_);
    ok->set_action(intent.action());
    ok->set_target(intent.target());
    ok->set_idempotency_key(intent.idempotency_key());
    ok->set_result(result);
    ok->set_resolved_at_startup(true);
  } else {
    // It did not take effect: retry now, without a backoff (nothing failed, a restart
    // interrupted it). The failure count stays what it was before the intent.
    auto* f = e.mutable_action_failed();
    f->set_reconciler(reconciler_);
    f->set_action(intent.action());
    f->set_target(intent.target());
    f->set_idempotency_key(intent.idempotency_key());
    f->set_code(std::string(status_code_name(StatusCode::kAborted)));
    f->set_error("interrupted before its outcome was recorded; not observed to have taken effect");
    f->set_attempt(failures);
    f->set_next_attempt_unix_ms(0);
    f->set_resolved_at_startup(true);
  }
  Result<AppendResult> r = append(std::move(e), causation);
  if (!r.ok()) return r.status();
  recent_[intent.target()] = {r->last_sequence, done ? 0 : failures};
  return Status();
}

}  // namespace scaleio::reconcilers
