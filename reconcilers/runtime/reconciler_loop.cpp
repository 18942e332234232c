#include "reconcilers/runtime/reconciler_loop.h"

#include <algorithm>
#include <exception>

namespace scaleio::reconcilers {

namespace {

Clock::TimePoint from_unix_ms(int64_t ms) {
  return Clock::TimePoint(std::chrono::milliseconds(ms));
}

Clock::Duration period_of(const RuntimeOptions& options, std::string_view name) {
  auto it = options.periods.find(name);
  return it == options.periods.end() ? options.default_period : it->second;
}

}  // namespace

ReconcilerLoop::ReconcilerLoop(EventStore& store, const Clock& clock,
                               std::function<double()> random, const RuntimeOptions& options,
                               Reconciler& reconciler, RuntimeObserver* observer,
                               ObservationRefresher& refresher,
                               std::shared_ptr<SharedProjections> projections)
    : reconciler_(reconciler),
      name_(reconciler.name()),
      own_stream_(reconciler_stream(name_)),
      clock_(clock),
      options_(options),
      period_(period_of(options, name_)),
      observer_(observer),
      refresher_(refresher),
      live_(std::move(projections), name_),
      executor_(store, clock, std::move(random), name_, live_.journal(), options.backoff),
      // The first pass resolves intents from the world as it is now.
      refresh_ticket_(refresher.ticket()),
      due_at_(clock.now()) {  // the first pass is due at once
  status_.name = name_;
  status_.next_due = due_at_;
}

Clock::TimePoint ReconcilerLoop::next_due() const {
  std::lock_guard lock(mu_);
  return due_at_;
}

void ReconcilerLoop::notify(const Envelope& event) {
  {
    std::lock_guard lock(mu_);
    if (event.sequence() <= seen_sequence_) return;
  }
  // Its own intents and outcomes never wake a loop: the pass that wrote them knows about them.
  if (event.stream_id() == own_stream_) return;
  const bool command_for_me = event.payload_case() == Envelope::kOperatorCommand &&
                              event.operator_command().target() == name_;
  if (!command_for_me && !reconciler_.wakes_on(event)) return;
  const Clock::TimePoint now = clock_.now();
  std::lock_guard lock(mu_);
  due_at_ = std::min(due_at_, now);
  status_.next_due = due_at_;
}

void ReconcilerLoop::wake() {
  const Clock::TimePoint now = clock_.now();
  std::lock_guard lock(mu_);
  due_at_ = std::min(due_at_, now);
  status_.next_due = due_at_;
}

std::string ReconcilerLoop::pass_id(Clock::TimePoint start, uint64_t number) const {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count();
  return name_ + "/" + std::to_string(ms) + "/" + std::to_string(number);
}

bool ReconcilerLoop::run_pass() {
  std::unique_lock pass_lock(pass_mu_, std::try_to_lock);
  if (!pass_lock.owns_lock()) return false;  // never two passes of one loop at once

  const Clock::TimePoint start = clock_.now();
  {
    // Not due again until this pass schedules it, unless a wake-up arrives meanwhile.
    std::lock_guard lock(mu_);
    due_at_ = Clock::TimePoint::max();
  }
  if (observer_) observer_->pass_started(name_);

  Status refreshed;
  if (refresh_ticket_) refreshed = refresher_.refresh(*refresh_ticket_);
  if (refreshed.ok()) refresh_ticket_.reset();  // else: ask again before the next pass

  PassOutcome outcome;
  std::string result;
  bool ran = false;
  Result<uint64_t> caught_up = live_.catch_up();
  if (!caught_up.ok()) {
    outcome.status = caught_up.status();
    result = "error";
  } else {
    {
      // Events up to here are in the pass's input; only later ones may wake the loop.
      std::lock_guard lock(mu_);
      seen_sequence_ = live_.last_sequence();
    }
    if (live_.journal().paused(name_)) {
      result = "paused";
    } else {
      ran = true;
      ++pass_number_;
      executor_.begin_pass(pass_id(start, pass_number_));
      try {
        outcome = reconciler_.reconcile(live_.input(start, options_.allow_removals), executor_);
      } catch (const std::exception& e) {
        // A bug in a reconciler must not take the other loops (and the daemon) down with it.
        outcome = PassOutcome{};
        outcome.status = internal_error(name_ + " pass threw: " + e.what());
      }
      outcome.actions_taken = std::max(outcome.actions_taken, executor_.actions_run());
      if (outcome.status.ok() && !executor_.record_error().ok()) {
        outcome.status = executor_.record_error();
      }
      // Taken after the actions: an observation that starts later shows them.
      if (outcome.actions_taken > 0) refresh_ticket_ = refresher_.ticket();
      result = outcome.status.ok() ? "success" : "error";
      // Fold the pass's own outcomes so that status and the backoff schedule are current.
      (void)live_.catch_up();
    }
  }

  const Clock::TimePoint end = clock_.now();
  const Clock::TimePoint next = schedule_after(end, result, outcome);
  std::vector<TargetRecord> backoff;
  for (const TargetRecord* r : live_.journal().failing(name_)) backoff.push_back(*r);
  {
    std::lock_guard lock(mu_);
    // A wake-up that arrived during the pass has set due_at_ already, and stays.
    due_at_ = std::min(due_at_, next);
    status_.paused = live_.loaded() && live_.journal().paused(name_);
    status_.last_pass_start = start;
    status_.last_pass_end = end;
    status_.last_result = result;
    if (result == "error") status_.last_error = outcome.status.to_string();
    status_.refresh_error = refreshed.ok() ? "" : refreshed.to_string();
    if (ran) {
      ++status_.passes;
      status_.actions_total += outcome.actions_taken;
      status_.drift = outcome.drift;
    }
    status_.next_due = due_at_;
    status_.backoff = std::move(backoff);
  }
  // Between passes the loop holds no version of the shared projections: one it kept would have
  // to be copied by the next change while nobody reads it.
  live_.release_projections();
  if (observer_) {
    observer_->pass_finished(name_, outcome, std::chrono::duration<double>(end - start).count(),
                             result);
  }
  return true;
}

Clock::TimePoint ReconcilerLoop::schedule_after(Clock::TimePoint end, const std::string& result,
                                                const PassOutcome& outcome) const {
  Clock::TimePoint next = end + period_;
  if (outcome.requeue_after) next = std::min(next, end + *outcome.requeue_after);
  if (result == "paused" || !live_.loaded()) return next;
  // The earliest backoff still ahead: the loop looks again when it expires.
  const int64_t end_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(end.time_since_epoch()).count();
  for (const TargetRecord* r : live_.journal().failing(name_)) {
    if (r->next_attempt_unix_ms > end_ms)
      next = std::min(next, from_unix_ms(r->next_attempt_unix_ms));
  }
  if (auto retry = executor_.earliest_retry_unix_ms(); retry && *retry > end_ms) {
    next = std::min(next, from_unix_ms(*retry));
  }
  return next;
}

ReconcilerStatus ReconcilerLoop::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace scaleio::reconcilers
