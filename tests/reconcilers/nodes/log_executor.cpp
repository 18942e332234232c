#include "tests/reconcilers/nodes/log_executor.h"

#include <algorithm>

namespace scaleio::testing {

Status LogExecutor::append(Envelope event) {
  event.set_source(events::SOURCE_RECONCILER);
  event.set_timestamp_unix_ms(clock_.now_unix_ms());
  auto appended = store_.append(reconciler_stream(reconciler_), ExpectedVersion::any(), {event});
  return appended.ok() ? Status() : appended.status();
}

Result<std::string> LogExecutor::perform(const reconcilers::ActionRequest& request,
                                         const std::function<Result<std::string>()>& run) {
  Envelope started;
  auto* intent = started.mutable_action_started();
  intent->set_reconciler(reconciler_);
  intent->set_action(request.action);
  intent->set_target(request.target);
  intent->set_idempotency_key(request.idempotency_key);
  intent->set_detail(request.detail);
  if (Status s = append(started); !s.ok()) return s;

  Result<std::string> result = run();
  Envelope outcome;
  if (result.ok()) {
    auto* ok = outcome.mutable_action_succeeded();
    ok->set_reconciler(reconciler_);
    ok->set_action(request.action);
    ok->set_target(request.target);
    ok->set_idempotency_key(request.idempotency_key);
    ok->set_result(*result);
  } else {
    const TargetRecord* record = journal_.find(reconciler_, request.target);
    const uint32_t attempt = (record ? record->consecutive_failures : 0) + 1;
    Clock::Duration backoff = kBaseBackoff * (1LL << std::min<uint32_t>(attempt - 1, 20));
    backoff = std::min(backoff, kMaxBackoff);
    auto* failed = outcome.mutable_action_failed();
    failed->set_reconciler(reconciler_);
    failed->set_action(request.action);
    failed->set_target(request.target);
    failed->set_idempotency_key(request.idempotency_key);
    failed->set_code(std::string(status_code_name(result.status().code())));
    failed->set_error(result.status().message());
    failed->set_attempt(attempt);
    failed->set_next_attempt_unix_ms(
        clock_.now_unix_ms() +
        std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count());
  }
  if (Status s = append(outcome); !s.ok()) return s;
  return result;
}

Status LogExecutor::resolve(const events::ActionStarted& intent, bool done,
                            const std::string& result) {
  Envelope outcome;
  if (done) {
    auto* ok = outcome.mutable_action_succeeded();
    ok->set_reconciler(intent.reconciler());
    ok->set_action(intent.action());
    ok->set_target(intent.target());
    ok->set_idempotency_key(intent.idempotency_key());
    ok->set_result(result);
    ok->set_resolved_at_startup(true);
  } else {
    const TargetRecord* record = journal_.find(intent.reconciler(), intent.target());
    auto* failed = outcome.mutable_action_failed();
    failed->set_reconciler(intent.reconciler());
    failed->set_action(intent.action());
    failed->set_target(intent.target());
    failed->set_idempotency_key(intent.idempotency_key());
    failed->set_code("ABORTED");
    failed->set_error("interrupted by a restart; not in effect");
    failed->set_attempt((record ? record->consecutive_failures : 0) + 1);
    failed->set_next_attempt_unix_ms(0);  // retried without waiting
    failed->set_resolved_at_startup(true);
  }
  return append(outcome);
}

}  // namespace scaleio::testing
