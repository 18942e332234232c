#include "reconcilers/mdm_quorum/decision.h"

#include <algorithm>

#include "reconcilers/mdm_quorum/intents.h"
#include "reconcilers/mdm_quorum/membership.h"
#include "reconcilers/mdm_quorum/quorum.h"

namespace scaleio::reconcilers::mdm {

namespace {

using observed::DriftItem;
using observed::DriftKind;

std::string duration_text(Clock::Duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s >= 120 && s % 60 == 0) return std::to_string(s / 60) + "m";
  if (s >= 3600) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

Clock::TimePoint from_unix_ms(int64_t ms) {
  return Clock::TimePoint(std::chrono::milliseconds(ms));
}

// How long to wait for the observer to report a change before deciding from the old view.
constexpr Clock::Duration kObservationGrace = std::chrono::seconds(60);

bool ended(const KnownTask& task) {
  // UNREACHABLE and UNKNOWN may come back, but a one-shot on a lost agent is not worth waiting
  // for: its step is retried (create-cluster and set-password are safe to repeat).
  return task.terminal || task.state == "TASK_UNREACHABLE" || task.state == "TASK_UNKNOWN";
}

class Decider {
 public:
  explicit Decider(const DecideInput& in)
      : in_(in),
        now_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(in.now.time_since_epoch())
                    .count()) {}

  Decision run() {
    if (!in_.plan.mdm.valid) {
      invalid_plan();
      return finish();
    }
    if (resolve_pending()) return finish();
    if (one_shot_in_flight()) return finish();
    const auto& obs = in_.observed;
    const bool cluster_known = obs.mdm && obs.mdm->value.exists();
    if (!cluster_known) {
      bootstrap();
      return finish();
    }
    const Membership membership = Membership::build(in_.plan, obs.mdm->value);
    if (in_.plan.mdm.adopt) {
      adopt_report(membership);
      return finish();
    }
    if (obs.stale) {
      wait("mdm-cluster", "the gateway is unreachable (" + obs.last_error +
                              "): no MDM change until the cluster is observed again");
      report_members(membership, {});
      return finish();
    }
    if (password(membership)) return finish();
    if (awaiting_observation(membership)) return finish();
    converge(membership);
    return finish();
  }

 private:
  // --- drift and timers ----------------------------------------------------------------------
  void add(std::string resource, DriftKind kind, std::string detail) {
    out_.drift.push_back({std::move(resource), kind, std::move(detail), 0});
  }
  void wait(std::string resource, std::string detail) {
    add(std::move(resource), DriftKind::kWaiting, std::move(detail));
  }
  void requeue(Clock::Duration after) {
    if (after < Clock::Duration::zero()) after = Clock::Duration::zero();
    if (!out_.requeue_after || after < *out_.requeue_after) out_.requeue_after = after;
  }
  // True (and a waiting item for `resource`) while `target` backs off after a failure.
  bool backing_off(const std::string& target, const std::string& resource) {
    if (!in_.journal.in_backoff(kReconcilerName, target, now_ms_)) return false;
    const TargetRecord* r = in_.journal.find(kReconcilerName, target);
    const auto left = from_unix_ms(r->next_attempt_unix_ms) - in_.now;
    wait(resource, "backing off after " + r->last_action + " failed (" + r->last_code + ": " +
                       r->last_error + "); next attempt in " + duration_text(left));
    requeue(left);
    return true;
  }
  void set_step(Step step) { out_.step = std::move(step); }

  Decision finish() {
    // The plain differences (missing, unexpected, mismatched, unhealthy) come from the shared
    // drift function; this reconciler adds why it waits or refuses.
    std::vector<DriftItem> computed;
    if (in_.drift == nullptr) computed = observed::drift(in_.plan, in_.observed);
    for (const auto& item : in_.drift ? *in_.drift : computed) {
      if (item.resource == "mdm-cluster" || item.resource.starts_with("mdm/")) {
        out_.drift.push_back(item);
      }
    }
    auto& d = out_.drift;
    std::sort(d.begin(), d.end(), [](const DriftItem& a, const DriftItem& b) {
      if (a.resource != b.resource) return a.resource < b.resource;
      if (a.kind != b.kind) return a.kind < b.kind;
      return a.detail < b.detail;
    });
    d.erase(std::unique(d.begin(), d.end()), d.end());
    return std::move(out_);
  }

  // --- invalid plan, restarts, one-shot tasks --------------------------------------------------
  void invalid_plan() {
    bool any = false;
    for (const auto& p : in_.plan.problems) {
      if (p.severity != plan::ProblemSeverity::kClusterError) continue;
      add("mdm-cluster", DriftKind::kInvalidPlan,
          (p.host.empty() ? "" : p.host + ": ") +
              (p.attribute.empty() ? p.message : p.attribute + ": " + p.message));
      any = true;
    }
    if (!any) add("mdm-cluster", DriftKind::kInvalidPlan, "the MDM cluster plan is not valid");
  }

  bool resolve_pending() {
    const auto pending = in_.journal.pending(kReconcilerName);
    if (pending.empty()) return false;
    for (const TargetRecord* r : pending) {
      auto resolution = resolve_intent(*r->pending, in_.observed, in_.tasks);
      if (resolution) {
        out_.resolutions.push_back(std::move(*resolution));
      } else {
        wait(r->target, r->pending->action() + " was in flight at a restart: waiting for a " +
                            "fresh observation of the cluster to tell whether it took effect");
      }
    }
    return true;
  }

  bool confirmed(std::string_view verb, const KnownTask& task) const {
    const TargetRecord* r = in_.journal.find(kReconcilerName, "mdm-task/" + std::string(verb));
    return r != nullptr && r->last_action == kConfirmTask &&
           r->last_outcome_sequence > task_sequence(task.task_id);
  }

  // The latest attempt of `verb` finished and that was recorded.
  bool succeeded(std::string_view verb) const {
    const KnownTask* t = latest_attempt(in_.tasks, verb);
    return t && t->state == "TASK_FINISHED" && confirmed(verb, *t);
  }

  bool one_shot_in_flight() {
    for (std::string_view verb : {kCreateCluster, kSetPassword}) {
      const KnownTask* t = latest_attempt(in_.tasks, verb);
      if (t == nullptr) continue;
      if (!ended(*t)) {
        wait("mdm-cluster", "one-shot task " + t->task_id + " is " + t->state);
        return true;
      }
      if (confirmed(verb, *t)) continue;
      Step step;
      step.kind = Step::Kind::kConfirmTask;
      step.task.verb = std::string(verb);
      step.task.task_id = t->task_id;
      step.task_state = t->state;
      step.request = {std::string(kConfirmTask), "mdm-task/" + std::string(verb), t->task_id,
                      "one-shot task " + t->task_id + " ended " + t->state};
      set_step(std::move(step));
      return true;
    }
    return false;
  }

  const plan::PlannedNode* node(const std::string& host) const {
    auto it = in_.plan.nodes.find(host);
    return it == in_.plan.nodes.end() ? nullptr : &it->second;
  }

  void launch(OneShotTask task, std::string_view action) {
    Step step;
    step.kind = Step::Kind::kLaunchTask;
    std::string words;
    for (size_t i = 1; i < task.arguments.size(); ++i) words += " " + task.arguments[i];
    step.request = {std::string(action), "mdm-cluster", task.task_id,
                    "scaleio-node" + words + " on " + task.host};
    step.task = std::move(task);
    set_step(std::move(step));
  }

  // --- bootstrap -----------------------------------------------------------------------------
  void bootstrap() {
    const auto& want = in_.plan.mdm;
    if (want.adopt) {
      std::string ips;
      for (const auto& ip : want.adopt_mdm_ips) ips += (ips.empty() ? "" : ",") + ip;
      wait("mdm-cluster",
           "adopting the MDM cluster at " + ips + ": not observed yet" +
               (in_.observed.last_error.empty() ? std::string()
                                                : " (gateway: " + in_.observed.last_error + ")"));
      return;
    }
    if (const KnownTask* t = latest_attempt(in_.tasks, kCreateCluster);
        t && t->state == "TASK_FINISHED") {
      wait("mdm-cluster",
           "created by task " + t->task_id + "; waiting for the gateway to report the cluster");
      return;
    }
    const std::string planned =
        "planned " + mode_for_size(want.size) + " with primary " + want.primary;
    const plan::PlannedNode* primary = node(want.primary);
    if (primary == nullptr || !node_task_running(in_.tasks, primary->agent_id)) {
      wait("mdm-cluster", "no MDM cluster (" + planned + "): waiting for the node task on " +
                              want.primary + " (MDM packages) to run");
      return;
    }
    if (backing_off("mdm-task/" + std::string(kCreateCluster), "mdm-cluster") ||
        backing_off("mdm-cluster", "mdm-cluster")) {
      return;
    }
    add("mdm-cluster", DriftKind::kMissing, "no MDM cluster (" + planned + "): creating it");
    launch(create_cluster_task(primary->hostname, primary->agent_id, primary->ip,
                               in_.last_sequence + 1),
           kLaunchCreateCluster);
  }

  // --- the admin password (only on a cluster this operator created) ---------------------------
  bool password(const Membership& membership) {
    // Ours when this operator ever ran create-cluster (a task that reported a failure may still
    // have created it); a cluster found already there keeps the password it has.
    if (latest_attempt(in_.tasks, kCreateCluster) == nullptr || succeeded(kSetPassword)) {
      return false;
    }
    if (in_.settings.admin_password_file.empty()) {
      wait("mdm-cluster", "the MDM admin password is not set: no password file is configured");
      return false;
    }
    const Member* master = membership.master();
    const plan::PlannedNode* host = master ? node(master->host) : nullptr;
    if (host == nullptr || !node_task_running(in_.tasks, host->agent_id)) {
      wait("mdm-cluster",
           "the MDM admin password is not set yet: waiting for the master's host "
           "to run its node task");
      return false;
    }
    if (backing_off("mdm-task/" + std::string(kSetPassword), "mdm-cluster") ||
        backing_off("mdm-cluster", "mdm-cluster")) {
      return false;
    }
    launch(set_password_task(host->hostname, host->agent_id, in_.last_sequence + 1),
           kLaunchSetPassword);
    return true;
  }

  // --- adopt mode: report only -----------------------------------------------------------------
  void adopt_report(const Membership& m) {
    for (const auto& ip : in_.plan.mdm.adopt_mdm_ips) {
      const bool member = std::any_of(m.members.begin(), m.members.end(), [&](const Member& x) {
        return std::find(x.ips.begin(), x.ips.end(), ip) != x.ips.end();
      });
      if (!member) {
        add("mdm-cluster", DriftKind::kMismatch,
            "--mdm-ips names " + ip + ", which is not a member of the adopted cluster");
      }
    }
    for (const auto& p : m.planned) {
      const std::string resource = "mdm/" + p.host;
      if (p.member == nullptr) {
        add(resource, DriftKind::kMismatch,
            "persona " + std::string(kind_name(p.kind)) +
                " but not a member of the adopted cluster (adopt mode only reports)");
      } else if (p.member->kind != p.kind) {
        add(resource, DriftKind::kMismatch,
            "a " + std::string(kind_name(p.member->kind)) + " of the adopted cluster, persona " +
                std::string(kind_name(p.kind)) + " (adopt mode only reports)");
      }
    }
    for (const auto& x : m.members) {
      if (!x.healthy) {
        add("mdm/" + x.display(), DriftKind::kUnhealthy,
            x.role + " status " + x.status + " (adopt mode: not replaced)");
      }
      if (!m.planned.empty() && x.host.empty()) {
        add("mdm/" + x.display(), DriftKind::kUnexpected,
            x.role + " named by no persona (adopt mode only reports)");
      }
    }
    if (in_.observed.stale) {
      wait("mdm-cluster", "the gateway is unreachable (" + in_.observed.last_error + ")");
    }
  }

  // --- convergence on the personas -----------------------------------------------------------
  Clock::Duration down_for(const Member& m) const {
    auto it = in_.down_since.find(m.id);
    return it == in_.down_since.end() ? Clock::Duration::zero() : in_.now - it->second;
  }

  // The time `host` was added as a standby by this operator, when that is its last action.
  std::optional<Clock::TimePoint> added_at(const std::string& host) const {
    const TargetRecord* r = in_.journal.find(kReconcilerName, "mdm/" + host);
    if (r == nullptr || r->last_action != kAddStandby || !r->last_code.empty() ||
        r->last_outcome_unix_ms == 0) {
      return std::nullopt;
    }
    return from_unix_ms(r->last_outcome_unix_ms);
  }

  bool rollback_or_wait_for_joins(const Membership& m) {
    for (const auto& p : m.planned) {
      const bool joining =
          p.member == nullptr || (p.member->role == "standby" && !p.member->healthy);
      if (!joining) continue;
      const auto added = added_at(p.host);
      if (!added) continue;
      const auto since = in_.now - *added;
      const std::string resource = "mdm/" + p.host;
      if (since < in_.settings.join_timeout) {
        wait(resource, p.member ? "standby " + p.member->display() + " is " + p.member->status +
                                      "; rolled back unless Normal within " +
                                      duration_text(in_.settings.join_timeout - since)
                                : "added as a standby " + duration_text(since) +
                                      " ago; not reported by the gateway yet");
        requeue(in_.settings.join_timeout - since);
        continue;
      }
      Step step;
      step.kind = Step::Kind::kRollbackJoin;
      step.member_id = p.member ? p.member->id : "";
      step.request = {std::string(kRollbackJoin), resource, rollback_key(p.host, step.member_id),
                      p.host + " did not join within " + duration_text(in_.settings.join_timeout) +
                          " of being added" +
                          (p.member ? ": removing standby " + p.member->id : "")};
      set_step(std::move(step));
      return true;
    }
    return false;
  }

  bool remove_stray_standby(const Membership& m) {
    for (const auto& x : m.members) {
      if (x.voting() || m.planned_as_is(x)) continue;
      Step step;
      step.kind = Step::Kind::kRemoveStandby;
      step.member_id = x.id;
      step.request = {std::string(kRemoveStandby), "mdm/" + x.display(), remove_standby_key(x.id),
                      "remove standby " + std::string(kind_name(x.kind)) + " " + x.display() +
                          " (" + x.id + "), not planned as one"};
      set_step(std::move(step));
      return true;
    }
    return false;
  }

  bool add_missing_standby(const Membership& m) {
    for (const auto& p : m.planned) {
      if (p.member != nullptr) continue;
      const std::string resource = "mdm/" + p.host;
      if (added_at(p.host)) continue;  // waiting for it to appear (rollback_or_wait_for_joins)
      if (p.ip.empty()) {
        wait(resource, "no IP known for " + p.host);
        continue;
      }
      if (!node_task_running(in_.tasks, p.agent_id)) {
        wait(resource, "waiting for the node task on " + p.host +
                           " (MDM packages) to run before adding it to the cluster");
        continue;
      }
      if (backing_off(resource, resource)) continue;
      Step step;
      step.kind = Step::Kind::kAddStandby;
      step.standby.ips = {p.ip};
      step.standby.role = p.kind == MemberKind::kManager ? "Manager" : "TieBreaker";
      step.standby.name = mdm_name_for(p.host);
      step.request = {std::string(kAddStandby), resource, add_standby_key(p.ip, step.standby.role),
                      "add " + p.host + " (" + p.ip + ") as a standby " +
                          std::string(kind_name(p.kind)) + " named " + step.standby.name};
      set_step(std::move(step));
      return true;
    }
    return false;
  }

  // Whether an unplanned (or wrongly kinded) voting member may be switched out now; a lost one
  // only after the member-loss timeout.
  bool removable_now(const Member& x) {
    if (x.healthy) return true;
    const auto timeout = in_.settings.member_loss_timeout;
    const std::string resource = "mdm/" + x.display();
    if (timeout == Clock::Duration::zero()) {
      wait(resource,
           x.role + " " + x.status + ": automatic replacement is off " + "(member-loss timeout 0)");
      return false;
    }
    const auto lost = down_for(x);
    if (lost < timeout) {
      wait(resource, x.role + " out of the cluster (" + x.status + ") for " + duration_text(lost) +
                         "; replaced by a planned spare after " + duration_text(timeout));
      requeue(timeout - lost);
      return false;
    }
    return true;
  }

  static int distance(const Membership& m, const std::string& target) {
    int d = m.mode == target ? 0 : 1;
    for (const auto& x : m.members) {
      if (x.voting() && !m.planned_as_is(x)) ++d;
    }
    for (const auto& p : m.planned) {
      if (p.member == nullptr || !p.member->voting() || p.member->kind != p.kind) ++d;
    }
    return d;
  }

  // A gateway change that succeeded after the cluster was last observed: decide again only once
  // the observer has reported its effect (or after a grace period, should the change have been
  // invisible), so the same change is not made twice from an old view.
  bool awaiting_observation(const Membership& m) {
    std::vector<std::string> targets = {"mdm-cluster"};
    for (const auto& x : m.members) targets.push_back("mdm/" + x.display());
    for (const auto& p : m.planned) targets.push_back("mdm/" + p.host);
    const uint64_t seen = in_.observed.mdm->since;
    for (const auto& target : targets) {
      const TargetRecord* r = in_.journal.find(kReconcilerName, target);
      if (r == nullptr || !r->last_code.empty() || r->last_outcome_sequence <= seen) continue;
      if (r->last_action == kConfirmTask || r->last_action == kLaunchCreateCluster ||
          r->last_action == kLaunchSetPassword) {
        continue;
      }
      const auto since = in_.now - from_unix_ms(r->last_outcome_unix_ms);
      if (since >= kObservationGrace) continue;
      wait(target, r->last_action + " done; waiting for the gateway observer to report its effect");
      requeue(kObservationGrace - since);
      return true;
    }
    return false;
  }

  void converge(const Membership& m) {
    for (const auto& x : m.members) {
      if (x.role == "master" && !m.planned_as_is(x)) {
        wait("mdm/" + x.display(),
             "the master is not planned as a manager: move mastership to a planned manager "
             "first (not automated)");
      }
    }
    if (rollback_or_wait_for_joins(m)) return;
    if (remove_stray_standby(m)) return;
    if (add_missing_standby(m)) return;
    if (switch_mode(m)) return;
  }

  bool switch_mode(const Membership& m) {
    const std::string target = mode_for_size(in_.plan.mdm.size);
    const int before = distance(m, target);
    std::vector<const Member*> slaves, tbs, removable_slaves, removable_tbs, ready_slaves,
        ready_tbs;
    std::vector<const Member*> lost_removable;
    for (const auto& x : m.members) {
      if (x.role == "slave") slaves.push_back(&x);
      if (x.role == "tiebreaker") tbs.push_back(&x);
      if ((x.role == "slave" || x.role == "tiebreaker") && !m.planned_as_is(x) &&
          removable_now(x)) {
        (x.role == "slave" ? removable_slaves : removable_tbs).push_back(&x);
        if (!x.healthy) lost_removable.push_back(&x);
      }
    }
    for (const auto& p : m.planned) {
      const Member* x = p.member;
      if (x == nullptr || x->voting() || x->kind != p.kind) continue;
      if (x->healthy) (p.kind == MemberKind::kManager ? ready_slaves : ready_tbs).push_back(x);
    }
    // Lost members go first, then healthy ones; each group by id (the cluster's order).
    for (auto* list : {&removable_slaves, &removable_tbs}) {
      std::stable_partition(list->begin(), list->end(),
                            [](const Member* x) { return !x->healthy; });
    }

    std::vector<ModeSwitch> candidates;
    std::vector<std::string> modes = {target};
    if (m.mode != target) modes.push_back(m.mode);
    for (const auto& mode : modes) {
      const ModeShape shape = shape_of(mode);
      for (size_t ks = 0; ks <= removable_slaves.size(); ++ks) {
        for (size_t kt = 0; kt <= removable_tbs.size(); ++kt) {
          const long as = shape.slaves - (static_cast<long>(slaves.size()) - static_cast<long>(ks));
          const long at =
              shape.tie_breakers - (static_cast<long>(tbs.size()) - static_cast<long>(kt));
          if (as < 0 || at < 0 || as > static_cast<long>(ready_slaves.size()) ||
              at > static_cast<long>(ready_tbs.size())) {
            continue;
          }
          ModeSwitch c;
          c.mode = mode;
          c.remove_slaves.assign(removable_slaves.begin(), removable_slaves.begin() + ks);
          c.remove_tie_breakers.assign(removable_tbs.begin(), removable_tbs.begin() + kt);
          c.add_slaves.assign(ready_slaves.begin(), ready_slaves.begin() + as);
          c.add_tie_breakers.assign(ready_tbs.begin(), ready_tbs.begin() + at);
          if (mode == m.mode && c.changed() == 0) continue;
          const int after = (mode == target ? 0 : 1) + (before - (m.mode == target ? 0 : 1)) -
                            static_cast<int>(c.changed());
          if (after >= before) continue;
          candidates.push_back(std::move(c));
        }
      }
    }
    // The target mode first; then the smallest change (one swap at a time when healing).
    std::stable_sort(candidates.begin(), candidates.end(),
                     [&](const ModeSwitch& a, const ModeSwitch& b) {
                       const bool at = a.mode == target, bt = b.mode == target;
                       if (at != bt) return at;
                       return a.changed() < b.changed();
                     });
    std::optional<std::string> refusal;
    for (const auto& c : candidates) {
      if (auto why = quorum_refusal(m, c)) {
        if (!refusal) refusal = "refused switch " + c.describe() + ": " + *why;
        continue;
      }
      if (backing_off("mdm-cluster", "mdm-cluster")) return false;
      Step step;
      step.kind = Step::Kind::kSwitchMode;
      step.change.mode = c.mode;
      for (const Member* x : c.add_slaves) step.change.add_slaves.push_back(x->id);
      for (const Member* x : c.add_tie_breakers) step.change.add_tie_breakers.push_back(x->id);
      for (const Member* x : c.remove_slaves) step.change.remove_slaves.push_back(x->id);
      for (const Member* x : c.remove_tie_breakers)
        step.change.remove_tie_breakers.push_back(x->id);
      step.request = {std::string(kSwitchMode), "mdm-cluster", switch_key(step.change),
                      "switch cluster mode: " + c.describe()};
      set_step(std::move(step));
      return true;
    }
    if (refusal) wait("mdm-cluster", *refusal);
    for (const Member* x : lost_removable) {
      const bool used = std::any_of(candidates.begin(), candidates.end(), [&](const ModeSwitch& c) {
        return std::count(c.remove_slaves.begin(), c.remove_slaves.end(), x) +
                   std::count(c.remove_tie_breakers.begin(), c.remove_tie_breakers.end(), x) >
               0;
      });
      if (!used) {
        wait("mdm/" + x->display(),
             x->role + " out of the cluster for " + duration_text(down_for(*x)) +
                 ": no planned spare is ready to replace it (a host with persona " +
                 (x->kind == MemberKind::kManager ? "secondary" : "tiebreaker") +
                 " not yet in the cluster, with its node task running)");
      }
    }
    report_members(m, lost_removable);
    return false;
  }

  // Lost members still planned: nothing replaces them while they keep their persona.
  void report_members(const Membership& m, const std::vector<const Member*>& reported) {
    for (const auto& x : m.members) {
      if (x.healthy || !x.voting() || !m.planned_as_is(x)) continue;
      if (std::find(reported.begin(), reported.end(), &x) != reported.end()) continue;
      wait("mdm/" + x.display(), x.role + " out of the cluster (" + x.status + ") for " +
                                     duration_text(down_for(x)) +
                                     "; still planned, so nothing replaces it: give its persona "
                                     "to a spare host to replace it");
    }
  }

  const DecideInput& in_;
  const int64_t now_ms_;
  Decision out_;
};

}  // namespace

Decision decide(const DecideInput& in) {
  return Decider(in).run();
}

}  // namespace scaleio::reconcilers::mdm
