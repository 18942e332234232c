// SchedulerClient: task reconciliation. After every (re)subscription each task the log knows as
// not terminal is reconciled explicitly, with truncated exponential backoff, until the master has
// answered for each one; only then is launching allowed. An implicit reconciliation (all tasks)
// runs periodically to find tasks the log does not know.
#include "adapters/mesos/scheduler_client.h"

namespace scaleio::mesos {

void SchedulerClient::start_reconciliation(uint64_t generation) {
  bool nothing_to_reconcile;
  {
    std::lock_guard lock(mu_);
    pending_reconcile_.clear();
    for (const auto& task : tasks_.non_terminal()) pending_reconcile_[task.task_id] = task.agent_id;
    nothing_to_reconcile = pending_reconcile_.empty();
  }
  reconcile_attempt_ = 0;
  if (nothing_to_reconcile) {
    reconciled_ = true;
    log("reconciliation: no known task, launching is allowed");
    listener_.reconciled();
    return;
  }
  reconciled_ = false;
  reconcile_tick(generation);
}

void SchedulerClient::reconcile_tick(uint64_t generation) {
  std::vector<TaskRef> pending;
  {
    std::lock_guard lock(mu_);
    if (generation != generation_ || stopping_.load()) return;
    for (const auto& [task_id, agent_id] : pending_reconcile_)
      pending.push_back({task_id, agent_id});
  }
  if (pending.empty()) return;
  log("reconciling " + std::to_string(pending.size()) + " task(s), attempt " +
      std::to_string(reconcile_attempt_ + 1));
  (void)reconcile(pending);
  // Truncated exponential backoff without jitter: one scheduler, one master, no herd.
  const auto delay = backoff_delay(options_.reconcile, reconcile_attempt_++, 1.0);
  reconcile_timer_.expires_after(delay);
  reconcile_timer_.async_wait([this, generation](const boost::system::error_code& ec) {
    if (!ec) reconcile_tick(generation);
  });
}

void SchedulerClient::arm_implicit_reconciliation(uint64_t generation) {
  implicit_timer_.expires_after(options_.implicit_reconcile_interval);
  implicit_timer_.async_wait([this, generation](const boost::system::error_code& ec) {
    if (ec || stopping_.load()) return;
    {
      std::lock_guard lock(mu_);
      if (generation != generation_) return;
    }
    (void)reconcile({});
    arm_implicit_reconciliation(generation);
  });
}

}  // namespace scaleio::mesos
