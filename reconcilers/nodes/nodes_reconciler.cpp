#include "reconcilers/nodes/nodes_reconciler.h"

#include <algorithm>
#include <optional>
#include <set>

#include "reconcilers/nodes/node_task_spec.h"
#include "reconcilers/nodes/node_tasks.h"

namespace scaleio::reconcilers {

namespace {

using observed::DriftItem;
using observed::DriftKind;

constexpr std::string_view kLaunch = "launch_task";
constexpr std::string_view kKill = "kill_task";
constexpr std::string_view kTaskEnded = "task_ended";
constexpr std::string_view kTaskStable = "task_stable";
constexpr std::string_view kKillKeyPrefix = "kill/";

std::string node_target(const std::string& host) {
  return "node/" + host;
}
std::string task_target(const std::string& host) {
  return "node/" + host + "/task";
}

bool is_running(const KnownTask& task) {
  return task.state == "TASK_RUNNING";
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : ",") + w;
  return out;
}

std::string seconds_text(int64_t ms) {
  return std::to_string((std::max<int64_t>(ms, 0) + 999) / 1000) + "s";
}

// One reconcile() call. An object so the steps share the input without long parameter lists.
class NodesPass {
 public:
  NodesPass(const ReconcileInput& in, ActionExecutor& actions, mesos::MesosDriver& driver,
            OfferPool& offers, const NodesSettings& settings)
      : in_(in),
        actions_(actions),
        driver_(driver),
        offers_(offers),
        settings_(settings),
        now_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(in.now.time_since_epoch())
                    .count()) {}

  PassOutcome run() {
    if (!driver_.reconciled()) {
      // Until every task known at subscription has answered, the tasks projection may miss a
      // task that is still running: a launch now could start a host twice.
      wait("mesos", "waiting for Mesos task reconciliation before launching or killing node tasks");
      return std::move(out_);
    }
    if (resolve_pending()) return std::move(out_);

    by_host_ = node_tasks_by_host(in_.tasks);
    const std::vector<std::string> mdm_ips = plan_mdm_ips(in_.plan);
    std::map<std::string, NodeTaskSpec> specs;
    for (const auto& [host, node] : in_.plan.nodes) {
      // A planned host with nothing to install (a data node without pools or SDC) runs no task.
      if (!node.roles().empty()) specs.emplace(host, node_task_spec(node, mdm_ips, settings_));
    }
    find_disrupted(specs);
    for (const auto& [host, spec] : specs) {
      if (!out_.status.ok()) break;
      converge(in_.plan.nodes.at(host), spec);
    }
    for (const auto& [host, tasks] : by_host_) {
      if (!out_.status.ok()) break;
      if (!specs.count(host)) retire(host, tasks);
    }
    // Offers only while some host needs a launch; a converged cluster lets the daemon suppress.
    offers_.set_demand(std::string(NodesReconciler::kName), wants_offers_);
    return std::move(out_);
  }

 private:
  // --- Start-up: intents without an outcome -------------------------------------------------

  // Returns true when it resolved something: the journal this pass reads is then out of date,
  // so the pass ends and the next one (right away) decides from the recorded outcomes.
  bool resolve_pending() {
    const auto pending = in_.journal.pending(NodesReconciler::kName);
    for (const TargetRecord* record : pending) {
      const events::ActionStarted& intent = *record->pending;
      const std::string& key = intent.idempotency_key();
      bool done = false;
      std::string result;
      if (intent.action() == kLaunch) {
        // The adapter records TaskLaunchRequested before it sends the ACCEPT: a launch that got
        // that far is known (and reconciled), one that did not never reached Mesos.
        done = in_.tasks.tasks().count(key) > 0;
        result = key;
      } else if (intent.action() == kKill) {
        const std::string task_id = key.substr(std::min(key.size(), kKillKeyPrefix.size()));
        auto it = in_.tasks.tasks().find(task_id);
        done = it == in_.tasks.tasks().end() || it->second.terminal;
      } else if (intent.action() == kTaskStable) {
        done = true;
      }
      // task_ended is a failure record: resolving it as not done records the failure.
      Status s = actions_.resolve(intent, done, result);
      if (!s.ok()) {
        out_.status = s;
        return true;
      }
      ++out_.actions_taken;
    }
    if (pending.empty()) return false;
    out_.requeue_after = Clock::Duration::zero();
    return true;
  }

  // --- Planned hosts -------------------------------------------------------------------------

  // Hosts that ran a node task and do not run one now (or are being killed for a replacement).
  // A replacement starts only when no host is disrupted: at most one host down at a time.
  void find_disrupted(const std::map<std::string, NodeTaskSpec>& specs) {
    for (const auto& [host, spec] : specs) {
      auto it = by_host_.find(host);
      if (it == by_host_.end() || it->second.latest == nullptr) continue;
      const HostTasks& tasks = it->second;
      const bool stale = tasks.latest_id.generation != spec.generation;
      if (!is_running(*tasks.latest) || (stale && kill_requested(host))) disrupted_.insert(host);
    }
  }

  void converge(const plan::PlannedNode& node, const NodeTaskSpec& spec) {
    const std::string& host = node.hostname;
    auto it = by_host_.find(host);
    const HostTasks* tasks = it == by_host_.end() ? nullptr : &it->second;
    if (tasks && !tasks->older_alive.empty()) {
      kill(host, *tasks->older_alive.front(), "an older task of the host is still alive");
      return;
    }
    const KnownTask* latest = tasks ? tasks->latest : nullptr;
    const bool current = latest && tasks->latest_id.generation == spec.generation;
    if (latest && !latest->terminal) {
      if (current) {
        keep(host, *latest);
      } else {
        replace(node, spec, *latest);
      }
      return;
    }
    if (current && !end_recorded(host, *latest)) {
      record_end(host, *latest);
      return;
    }
    launch(node, spec, tasks);
  }

  void keep(const std::string& host, const KnownTask& task) {
    if (!is_running(task)) {
      wait(node_target(host), "task " + task.task_id + " is " + task.state);
      return;
    }
    // Running long enough after its launch: the host's relaunch backoff starts over.
    const TargetRecord* ended = in_.journal.find(NodesReconciler::kName, task_target(host));
    if (ended == nullptr || ended->consecutive_failures == 0 || ended->pending) return;
    const TargetRecord* launched = in_.journal.find(NodesReconciler::kName, node_target(host));
    const int64_t launched_ms = launched ? launched->last_outcome_unix_ms : 0;
    const int64_t stable_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(settings_.stable_after).count();
    if (now_ms_ - launched_ms < stable_ms) {
      requeue_in_ms(launched_ms + stable_ms - now_ms_);
      return;
    }
    perform(
        {std::string(kTaskStable), task_target(host), "stable/" + task.task_id,
         "task " + task.task_id + " has been running for " + seconds_text(now_ms_ - launched_ms)},
        [&]() -> Result<std::string> { return task.task_id; });
  }

  void replace(const plan::PlannedNode& node, const NodeTaskSpec& spec, const KnownTask& stale) {
    const std::string& host = node.hostname;
    const std::string resource = node_target(host);
    if (kill_requested(host)) {
      wants_offers_ = true;  // its new task follows as soon as the old one has ended
      kill(host, stale, "replacing it with generation " + spec.generation);
      return;
    }
    const std::string why = "task " + stale.task_id + " runs an older spec than generation " +
                            spec.generation + " (roles " + joined(spec.roles) + ", version " +
                            spec.version + "); ";
    for (const auto& other : disrupted_) {
      if (other != host) {
        mismatch(resource, why + "replaced after host " + other + " runs its task again");
        return;
      }
    }
    if (is_mdm_member(node)) {
      if (auto blocked = mdm_blocks_replacement()) {
        mismatch(resource, why + "an MDM host is not replaced while " + *blocked);
        return;
      }
    }
    if (kill(host, stale, "replacing it with generation " + spec.generation)) {
      disrupted_.insert(host);
      wants_offers_ = true;
    }
  }

  void launch(const plan::PlannedNode& node, const NodeTaskSpec& spec, const HostTasks* tasks) {
    const std::string& host = node.hostname;
    const std::string resource = node_target(host);
    wants_offers_ = true;
    if (auto backoff = backoff_wait(host)) {
      wait(resource, *backoff);
      return;
    }
    // The agents projection is fresher than the plan: an agent restarted with the same attributes
    // has a new id but the same plan (plans are keyed by hostname, their hash ignores agent ids).
    std::string agent_id = node.agent_id;
    auto agent = in_.agents.agents().find(host);
    if (agent != in_.agents.agents().end()) {
      if (!agent->second.active()) {
        wait(resource, "agent " + agent->second.agent_id() + " of " + host + " is not active");
        return;
      }
      agent_id = agent->second.agent_id();
    }
    if (agent_id.empty()) {
      wait(resource, "no Mesos agent is known for " + host);
      return;
    }
    const NodeResources need = spec.resources;
    auto offer = offers_.take(agent_id, [&](const mesos::Offer& o) {
      return o.cpus >= need.cpus && o.mem_mb >= need.mem_mb;
    });
    if (!offer) {
      wait(resource, "no offer from agent " + agent_id + " with " + std::to_string(need.cpus) +
                         " cpus and " + std::to_string(static_cast<int64_t>(need.mem_mb)) +
                         " MB yet");
      return;
    }
    const uint64_t incarnation = tasks ? tasks->latest_id.incarnation + 1 : 1;
    const std::string task_id = node_task_id(host, spec.generation, incarnation);
    const mesos::TaskLaunch task = node_task_launch(spec, task_id, agent_id, settings_);
    const std::string detail = "launch " + task_id + " on agent " + agent_id + " (roles " +
                               joined(spec.roles) + ", version " + spec.version + ")";
    auto launched =
        perform({std::string(kLaunch), resource, task_id, detail}, [&]() -> Result<std::string> {
          Status s = driver_.launch({offer->id}, {task}, settings_.refuse_seconds);
          if (!s.ok()) return s;
          return task_id;
        });
    if (launched) {
      out_.drift.push_back({resource, DriftKind::kMissing, "launched task " + task_id, 0});
    } else if (out_.status.ok()) {
      wait(resource, "launching " + task_id + " failed: " + launched.error);
    }
  }

  // A long-running task that ended (any terminal state, FINISHED included) is a failure of its
  // host: recorded once per task, on the host's task target, whose backoff delays the relaunch.
  bool end_recorded(const std::string& host, const KnownTask& task) const {
    const TargetRecord* ended = in_.journal.find(NodesReconciler::kName, task_target(host));
    return ended && ended->last_action == kTaskEnded && !ended->pending &&
           ended->last_error.find(task.task_id) != std::string::npos;
  }

  void record_end(const std::string& host, const KnownTask& task) {
    wants_offers_ = true;
    const std::string error = "task " + task.task_id + " ended " + task.state;
    perform({std::string(kTaskEnded), task_target(host), "ended/" + task.task_id, error},
            [&]() -> Result<std::string> { return unavailable(error); });
    if (out_.status.ok()) {
      wait(node_target(host), error + "; relaunching after a backoff");
      out_.requeue_after = Clock::Duration::zero();  // the next pass shows the backoff's length
    }
  }

  // --- Hosts that left the plan ----------------------------------------------------------------

  void retire(const std::string& host, const HostTasks& tasks) {
    const auto alive = tasks.alive();
    if (alive.empty()) return;
    const std::string resource = node_target(host);
    if (auto serving = still_serving(host)) {
      wait(resource, host + " left the plan; its task is kept while " + *serving);
      return;
    }
    kill(host, *alive.front(), host + " left the plan and is drained");
  }

  // Why the host cannot lose its node task yet, or nullopt when storage_pools has drained it.
  std::optional<std::string> still_serving(const std::string& host) const {
    const observed::ObservedState& seen = in_.observed;
    if (seen.stale)
      return std::string("the gateway view is stale (its SDS cannot be confirmed gone)");
    std::set<std::string> ips;
    auto agent = in_.agents.agents().find(host);
    if (agent != in_.agents.agents().end()) {
      if (!agent->second.ip().empty()) ips.insert(agent->second.ip());
      for (const auto& attribute : agent->second.attributes()) {
        if (attribute.name() == "scaleio-ip" && !attribute.text().empty())
          ips.insert(attribute.text());
      }
    }
    for (const auto& [id, sds] : seen.sdss) {
      bool ours = sds.value.name() == host;
      for (const auto& ip : sds.value.ips()) ours = ours || ips.count(ip.ip());
      if (ours) return "its SDS " + sds.value.name() + " is still in the cluster";
    }
    if (seen.mdm && seen.mdm->value.exists()) {
      for (const auto& member : seen.mdm->value.members()) {
        for (const auto& ip : member.ips()) {
          if (ips.count(ip)) return "it is still MDM member " + member.name();
        }
      }
    }
    return std::nullopt;
  }

  // --- Shared steps ----------------------------------------------------------------------------

  bool kill_requested(const std::string& host) const {
    const TargetRecord* r = in_.journal.find(NodesReconciler::kName, node_target(host));
    return r && r->last_action == kKill && r->consecutive_failures == 0 && !r->pending;
  }

  // Sends a kill unless one was sent recently; true when it sent one.
  bool kill(const std::string& host, const KnownTask& task, const std::string& why) {
    const std::string resource = node_target(host);
    if (auto backoff = backoff_wait(host)) {
      wait(resource, *backoff);
      return false;
    }
    const TargetRecord* r = in_.journal.find(NodesReconciler::kName, resource);
    const int64_t retry_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(settings_.kill_retry_after).count();
    if (kill_requested(host) && now_ms_ - r->last_outcome_unix_ms < retry_ms) {
      wait(resource, "killing task " + task.task_id + " (" + why + "), now " + task.state);
      requeue_in_ms(r->last_outcome_unix_ms + retry_ms - now_ms_);
      return false;
    }
    auto killed = perform({std::string(kKill), resource, std::string(kKillKeyPrefix) + task.task_id,
                           "kill " + task.task_id + ": " + why},
                          [&]() -> Result<std::string> {
                            Status s = driver_.kill(task.task_id, task.agent_id);
                            if (!s.ok()) return s;
                            return task.task_id;
                          });
    if (killed) {
      out_.drift.push_back(
          {resource, DriftKind::kUnexpected, "killing task " + task.task_id + ": " + why, 0});
    } else if (out_.status.ok()) {
      wait(resource, "killing " + task.task_id + " failed: " + killed.error);
    }
    return killed.ok;
  }

  bool is_mdm_member(const plan::PlannedNode& node) const {
    if (node.runs_mdm() || node.runs_tiebreaker()) return true;
    const auto& mdm = in_.observed.mdm;
    if (!mdm || node.ip.empty()) return false;
    for (const auto& member : mdm->value.members()) {
      for (const auto& ip : member.ips()) {
        if (ip == node.ip) return true;
      }
    }
    return false;
  }

  std::optional<std::string> mdm_blocks_replacement() const {
    const observed::ObservedState& seen = in_.observed;
    if (seen.stale) return std::string("the gateway view is stale (MDM cluster health unknown)");
    if (seen.mdm && seen.mdm->value.exists() && !seen.mdm_healthy()) {
      return "the MDM cluster is " + seen.mdm->value.state();
    }
    return std::nullopt;
  }

  // The host's backoff (launch or kill errors on node/<host>, ended tasks on node/<host>/task),
  // as a waiting detail; nullopt when it may act now.
  std::optional<std::string> backoff_wait(const std::string& host) {
    const TargetRecord* worst = nullptr;
    for (const std::string& target : {node_target(host), task_target(host)}) {
      if (!in_.journal.in_backoff(NodesReconciler::kName, target, now_ms_)) continue;
      const TargetRecord* r = in_.journal.find(NodesReconciler::kName, target);
      if (worst == nullptr || r->next_attempt_unix_ms > worst->next_attempt_unix_ms) worst = r;
    }
    if (worst == nullptr) return std::nullopt;
    requeue_in_ms(worst->next_attempt_unix_ms - now_ms_);
    return "backing off after failure " + std::to_string(worst->consecutive_failures) + " (" +
           worst->last_error + "); next attempt in " +
           seconds_text(worst->next_attempt_unix_ms - now_ms_);
  }

  struct Performed {
    bool ok = false;
    std::string error;
    explicit operator bool() const { return ok; }
  };

  // perform() through the executor. A refused intent (the log cannot record it) ends the pass;
  // a failed action is the journal's business (its backoff) and only reported.
  Performed perform(ActionRequest request, const std::function<Result<std::string>()>& run) {
    bool ran = false;
    auto result = actions_.perform(request, [&]() {
      ran = true;
      return run();
    });
    if (ran) ++out_.actions_taken;
    if (result.ok()) return {true, ""};
    if (!ran) out_.status = result.status();
    return {false, result.status().to_string()};
  }

  void wait(const std::string& resource, std::string detail) {
    out_.drift.push_back({resource, DriftKind::kWaiting, std::move(detail), 0});
  }
  void mismatch(const std::string& resource, std::string detail) {
    out_.drift.push_back({resource, DriftKind::kMismatch, std::move(detail), 0});
  }

  void requeue_in_ms(int64_t ms) {
    const Clock::Duration d = std::chrono::milliseconds(std::max<int64_t>(ms, 0));
    if (!out_.requeue_after || d < *out_.requeue_after) out_.requeue_after = d;
  }

  const ReconcileInput& in_;
  ActionExecutor& actions_;
  mesos::MesosDriver& driver_;
  OfferPool& offers_;
  const NodesSettings& settings_;
  const int64_t now_ms_;

  std::map<std::string, HostTasks> by_host_;
  std::set<std::string> disrupted_;
  bool wants_offers_ = false;
  PassOutcome out_;
};

}  // namespace

NodesReconciler::NodesReconciler(mesos::MesosDriver& driver, OfferPool& offers,
                                 NodesSettings settings)
    : driver_(driver), offers_(offers), settings_(std::move(settings)) {}

bool NodesReconciler::wakes_on(const Envelope& event) const {
  switch (event.payload_case()) {
    case Envelope::kTaskStatusObserved:
      return event.task_status_observed().task_id().starts_with(kNodeTaskPrefix);
    case Envelope::kPlanComputed:
    case Envelope::kAgentObserved:
    case Envelope::kAgentRemoved:
    case Envelope::kMdmClusterObserved:
    case Envelope::kSdsObserved:
    case Envelope::kScaleioObjectGone:
    case Envelope::kGatewayReachable:
      return true;
    default:
      return false;
  }
}

PassOutcome NodesReconciler::reconcile(const ReconcileInput& input, ActionExecutor& actions) {
  return NodesPass(input, actions, driver_, offers_, settings_).run();
}

}  // namespace scaleio::reconcilers
