#include "reconcilers/mdm_quorum/mdm_quorum_reconciler.h"

namespace scaleio::reconcilers {

namespace {

// Offers arrive without an event, so a pass waiting for one looks again after this long.
constexpr Clock::Duration kOfferRetry = std::chrono::seconds(5);

}  // namespace

MdmQuorumReconciler::MdmQuorumReconciler(GatewayClient& gateway, mesos::MesosDriver& driver,
                                         OfferPool& offers, MdmQuorumSettings settings)
    : gateway_(gateway), driver_(driver), offers_(offers), settings_(std::move(settings)) {}

bool MdmQuorumReconciler::wakes_on(const Envelope& event) const {
  switch (event.payload_case()) {
    case Envelope::kPlanComputed:
    case Envelope::kMdmClusterObserved:
    case Envelope::kGatewayReachable:
    case Envelope::kGatewayUnreachable:
      return true;
    case Envelope::kTaskStatusObserved: {
      const auto& status = event.task_status_observed();
      // Its own one-shot tasks; and any task reaching RUNNING, since a node task coming up on an
      // MDM host is what bootstrap and standby additions wait for.
      return mdm::is_one_shot_task(status.task_id()) || status.state() == "TASK_RUNNING";
    }
    default:
      return false;
  }
}

PassOutcome MdmQuorumReconciler::reconcile(const ReconcileInput& input, ActionExecutor& actions) {
  outages_.update(input.observed, input.now);
  const mdm::Decision decision = mdm::decide(
      {input.plan, input.observed, input.tasks, input.journal, input.now, input.last_sequence,
       outages_.down_since(), settings_, input.analysis ? &input.analysis().items() : nullptr});
  PassOutcome out;
  out.drift = decision.drift;
  out.requeue_after = decision.requeue_after;

  if (!decision.resolutions.empty()) {
    // Outcomes first; the next pass decides with them in the journal.
    for (const auto& r : decision.resolutions) {
      Status s = actions.resolve(r.intent, r.done, r.result);
      if (!s.ok()) {
        out.status = std::move(s);
        break;
      }
    }
    out.requeue_after = Clock::Duration::zero();
    set_demand(false);
    return out;
  }
  bool wants_offers = false;
  if (decision.step) wants_offers = execute(*decision.step, actions, out);
  set_demand(wants_offers);
  // One step per pass, and the next one often follows at once (confirm create-cluster, then set
  // the password; add a standby, then switch). Nothing else may wake this loop for it — its own
  // journal events never do, and the observation it needs may already be in — so it looks again
  // now (after the fresh observation a pass that acted gets) instead of idling a whole period.
  if (out.actions_taken > 0) out.requeue_after = Clock::Duration::zero();
  return out;
}

bool MdmQuorumReconciler::execute(const mdm::Step& step, ActionExecutor& actions,
                                  PassOutcome& out) {
  using Kind = mdm::Step::Kind;
  std::function<Result<std::string>()> run;
  switch (step.kind) {
    case Kind::kLaunchTask:
      return launch(step, actions, out);
    case Kind::kConfirmTask:
      run = [&]() -> Result<std::string> {
        if (step.task_state == "TASK_FINISHED") return step.task_state;
        return failed_precondition("one-shot task " + step.task.task_id + " ended " +
                                   step.task_state + " (its status message has the error)");
      };
      break;
    case Kind::kAddStandby:
      run = [&]() { return gateway_.add_standby_mdm(step.standby); };
      break;
    case Kind::kSwitchMode:
      run = [&]() -> Result<std::string> {
        Status s = gateway_.switch_cluster_mode(step.change);
        if (!s.ok()) return s;
        return step.change.mode;
      };
      break;
    case Kind::kRemoveStandby:
      run = [&]() -> Result<std::string> {
        Status s = gateway_.remove_standby_mdm(step.member_id);
        if (!s.ok()) return s;
        return step.member_id;
      };
      break;
    case Kind::kRollbackJoin:
      // Recorded as the join's failure (so the host backs off before it is added again), after
      // the standby is removed.
      run = [&]() -> Result<std::string> {
        if (!step.member_id.empty()) {
          Status s = gateway_.remove_standby_mdm(step.member_id);
          if (!s.ok()) return s;
        }
        return Status(StatusCode::kDeadlineExceeded, step.request.detail + "; rolled back");
      };
      break;
  }
  (void)actions.perform(step.request, run);
  ++out.actions_taken;
  return false;
}

bool MdmQuorumReconciler::launch(const mdm::Step& step, ActionExecutor& actions, PassOutcome& out) {
  if (!driver_.reconciled()) {
    // The tasks projection may not know every task yet: a one-shot could already be running.
    out.drift.push_back(
        {"mesos", observed::DriftKind::kWaiting,
         "waiting for Mesos task reconciliation before launching scaleio-node mdm " +
             step.task.verb,
         0});
    if (!out.requeue_after || *out.requeue_after > kOfferRetry) out.requeue_after = kOfferRetry;
    return false;
  }
  const mesos::TaskLaunch task = mdm::to_launch(step.task, settings_);
  auto offer = offers_.take(step.task.agent_id, [&](const mesos::Offer& o) {
    return o.cpus >= task.cpus && o.mem_mb >= task.mem_mb;
  });
  if (!offer) {
    out.drift.push_back({"mdm-cluster", observed::DriftKind::kWaiting,
                         "waiting for an offer from " + step.task.host +
                             " to run scaleio-node mdm " + step.task.verb,
                         0});
    if (!out.requeue_after || *out.requeue_after > kOfferRetry) out.requeue_after = kOfferRetry;
    return true;
  }
  bool launched = false;
  (void)actions.perform(step.request, [&]() -> Result<std::string> {
    Status s = driver_.launch({offer->id}, {task}, settings_.refuse_seconds);
    if (!s.ok()) return s;
    launched = true;
    return task.task_id;
  });
  ++out.actions_taken;
  // An offer taken but not launched on goes back to Mesos rather than waiting to expire.
  if (!launched) (void)driver_.decline({offer->id}, 0);
  return false;
}

void MdmQuorumReconciler::set_demand(bool wants_offers) {
  if (!offers_.set_demand(std::string(name()), wants_offers)) return;
  // This reconciler flipped the pool's overall demand: tell Mesos (best effort; the next pass
  // sets it again).
  (void)(offers_.demand() ? driver_.revive() : driver_.suppress());
}

}  // namespace scaleio::reconcilers
