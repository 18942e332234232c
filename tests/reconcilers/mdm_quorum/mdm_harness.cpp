#include "tests/reconcilers/mdm_quorum/mdm_harness.h"

#include <algorithm>

#include "core/observed/observation_diff.h"
#include "core/plan/plan_builder.h"
#include "reconcilers/mdm_quorum/membership.h"

namespace scaleio::reconcilers::testing {

namespace {

constexpr auto kBackoffInitial = std::chrono::seconds(10);
constexpr auto kBackoffMax = std::chrono::minutes(5);

int64_t unix_ms(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

// --- MemoryExecutor
// -------------------------------------------------------------------------------

void MemoryExecutor::append(events::Envelope e) {
  e.set_sequence(++sequence_);
  e.set_timestamp_unix_ms(clock_.now_unix_ms());
  e.set_source(events::SOURCE_RECONCILER);
  e.set_stream_id(reconciler_stream("mdm_quorum"));
  journal_.apply(e);
  events_.push_back(std::move(e));
}

Result<std::string> MemoryExecutor::perform(const ActionRequest& request,
                                            const std::function<Result<std::string>()>& run) {
  events::Envelope started;
  auto* s = started.mutable_action_started();
  s->set_reconciler("mdm_quorum");
  s->set_action(request.action);
  s->set_target(request.target);
  s->set_idempotency_key(request.idempotency_key);
  s->set_detail(request.detail);
  append(started);
  Result<std::string> result = run();
  if (crash_next_) {
    crash_next_ = false;
    return aborted("crashed before the outcome was recorded");
  }
  events::Envelope outcome;
  if (result.ok()) {
    auto* o = outcome.mutable_action_succeeded();
    o->set_reconciler("mdm_quorum");
    o->set_action(request.action);
    o->set_target(request.target);
    o->set_idempotency_key(request.idempotency_key);
    o->set_result(*result);
  } else {
    const TargetRecord* r = journal_.find("mdm_quorum", request.target);
    const uint32_t attempt = (r ? r->consecutive_failures : 0) + 1;
    auto wait = kBackoffInitial * (1 << std::min<uint32_t>(attempt - 1, 10));
    if (wait > kBackoffMax) wait = kBackoffMax;
    auto* o = outcome.mutable_action_failed();
    o->set_reconciler("mdm_quorum");
    o->set_action(request.action);
    o->set_target(request.target);
    o->set_idempotency_key(request.idempotency_key);
    o->set_code(std::string(status_code_name(result.status().code())));
    o->set_error(result.status().message());
    o->set_attempt(attempt);
    o->set_next_attempt_unix_ms(unix_ms(clock_.now() + wait));
  }
  append(outcome);
  return result;
}

Status MemoryExecutor::resolve(const events::ActionStarted& intent, bool done,
                               const std::string& result) {
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
    o->set_code(std::string(status_code_name(StatusCode::kAborted)));
    o->set_error("not done at a restart");
    o->set_attempt(1);
  }
  append(outcome);
  return Status();
}

// --- MdmHarness
// -----------------------------------------------------------------------------------

MdmQuorumSettings MdmHarness::default_settings() {
  MdmQuorumSettings s;
  s.member_loss_timeout = std::chrono::minutes(10);
  s.join_timeout = std::chrono::minutes(5);
  s.admin_password_file = "/etc/scaleio/admin-password";
  s.node_artifact_url = "http://127.0.0.1:9110/v1/artifacts/scaleio-node";
  return s;
}

MdmHarness::MdmHarness(MdmQuorumSettings settings)
    : settings_(std::move(settings)),
      world_(clock_, std::mt19937_64(7)),
      gateway_(world_),
      offers_(clock_, std::chrono::minutes(1)),
      executor_(journal_, sequence_, clock_) {
  restart();
}

void MdmHarness::restart() {
  reconciler_ = std::make_unique<MdmQuorumReconciler>(gateway_, driver_, offers_, settings_);
}

void MdmHarness::apply(events::Envelope e) {
  e.set_sequence(++sequence_);
  e.set_timestamp_unix_ms(clock_.now_unix_ms());
  observed_.apply(e);
  tasks_.apply(e);
  journal_.apply(e);
}

void MdmHarness::add_host(const std::string& host, const std::string& ip,
                          const std::string& persona) {
  hosts_[host] = {ip, persona};
  rebuild_plan();
}

void MdmHarness::set_persona(const std::string& host, const std::string& persona) {
  hosts_.at(host).second = persona;
  rebuild_plan();
}

void MdmHarness::remove_host(const std::string& host) {
  hosts_.erase(host);
  rebuild_plan();
}

void MdmHarness::rebuild_plan() {
  std::vector<events::AgentObserved> agents;
  for (const auto& [host, info] : hosts_) {
    events::AgentObserved a;
    a.set_hostname(host);
    a.set_agent_id(agent_id(host));
    a.set_ip(info.first);
    a.set_active(true);
    auto* attr = a.add_attributes();
    attr->set_name("scaleio-persona");
    attr->set_type(events::Attribute::TEXT);
    attr->set_text(info.second.empty() ? "data" : info.second);
    agents.push_back(std::move(a));
  }
  plan_ = plan::build_plan(agents, plan::ClusterSettings{});
}

void MdmHarness::install(const std::string& host) {
  const auto& [ip, persona] = hosts_.at(host);
  sim::NodeInstall install;
  install.hostname = host;
  install.ip = ip;
  install.roles = {persona == "tiebreaker" ? "tb" : "mdm"};
  world_.node_installed(install);
  events::Envelope e;
  auto* s = e.mutable_task_status_observed();
  s->set_task_id("scaleio-node." + host + ".0000abcd.1");
  s->set_agent_id(agent_id(host));
  s->set_state("TASK_RUNNING");
  apply(e);
}

void MdmHarness::run_launched_tasks() {
  // Tasks reported RUNNING last pass end now, as the simulated agent ends them.
  for (const auto& task : running_) {
    const std::string host = task.agent_id.substr(std::string("agent-").size());
    std::vector<std::string> argv(task.arguments.begin() + 1, task.arguments.end());
    Result<std::string> result = failed_precondition(fail_next_task_);
    if (fail_next_task_.empty()) {
      result = world_.run_mdm_command(host, argv);
    } else {
      fail_next_task_.clear();
    }
    events::Envelope e;
    auto* s = e.mutable_task_status_observed();
    s->set_task_id(task.task_id);
    s->set_agent_id(task.agent_id);
    s->set_state(result.ok() ? "TASK_FINISHED" : "TASK_FAILED");
    s->set_message(result.ok() ? *result : result.status().message());
    apply(e);
  }
  running_.clear();
  const auto launched = driver_.launched_tasks();
  for (; launches_run_ < launched.size(); ++launches_run_) {
    const auto& task = launched[launches_run_];
    events::Envelope requested;
    requested.mutable_task_launch_requested()->set_task_id(task.task_id);
    requested.mutable_task_launch_requested()->set_agent_id(task.agent_id);
    apply(requested);
    events::Envelope e;
    auto* s = e.mutable_task_status_observed();
    s->set_task_id(task.task_id);
    s->set_agent_id(task.agent_id);
    s->set_state("TASK_RUNNING");
    apply(e);
    running_.push_back(task);
  }
}

void MdmHarness::observe() {
  auto system = gateway_.system();
  if (!system.ok()) {
    if (observed_.stale_since == 0) {
      events::Envelope e;
      e.mutable_gateway_unreachable()->set_error(system.status().message());
      e.mutable_gateway_unreachable()->set_code(
          std::string(status_code_name(system.status().code())));
      apply(e);
    }
    return;
  }
  if (!observed_.reachable) {
    events::Envelope e;
    e.mutable_gateway_reachable()->set_version("2.0.1");
    apply(e);
  }
  events::MdmClusterObserved cluster = observed::to_event(*system);
  if (!observed_.mdm || observed_.mdm->value.SerializeAsString() != cluster.SerializeAsString()) {
    events::Envelope e;
    *e.mutable_mdm_cluster_observed() = std::move(cluster);
    apply(e);
  }
}

void MdmHarness::offer_everything() {
  (void)offers_.take_all();
  std::vector<mesos::Offer> offers;
  for (const auto& [host, info] : hosts_) {
    mesos::Offer o;
    o.id = "offer-" + std::to_string(++offer_counter_);
    o.agent_id = agent_id(host);
    o.hostname = host;
    o.cpus = 1;
    o.mem_mb = 1024;
    offers.push_back(std::move(o));
  }
  offers_.add(offers);
}

PassOutcome MdmHarness::pass(Clock::Duration advance) {
  clock_.advance(advance);
  world_.tick(clock_.now());
  run_launched_tasks();
  observe();
  offer_everything();
  ReconcileInput input{plan_,    observed_,    tasks_,   agents_projection_,
                       journal_, clock_.now(), sequence_};
  PassOutcome out = reconciler_->reconcile(input, executor_);
  run_launched_tasks();  // the adapter records TaskLaunchRequested before it sends the ACCEPT
  if (world_.mdm_cluster() && !world_.has_quorum()) ++passes_without_quorum_;
  return out;
}

std::string MdmHarness::host_of_ip(const std::string& ip) const {
  for (const auto& [host, info] : hosts_) {
    if (info.first == ip) return host;
  }
  return "?" + ip;
}

std::map<std::string, std::vector<std::string>> MdmHarness::roles() const {
  std::map<std::string, std::vector<std::string>> out;
  const auto& c = world_.mdm_cluster();
  if (!c) return out;
  auto put = [&](const char* role, const std::string& id) {
    out[role].push_back(host_of_ip(c->members.at(id).ips.front()));
    std::sort(out[role].begin(), out[role].end());
  };
  put("master", c->master_id);
  for (const auto& id : c->slave_ids) put("slave", id);
  for (const auto& id : c->tie_breaker_ids) put("tiebreaker", id);
  for (const auto& id : c->standby_ids) put("standby", id);
  return out;
}

bool MdmHarness::matches_plan() const {
  const auto& c = world_.mdm_cluster();
  if (!c || !plan_.mdm.valid) return false;
  const std::string state = world_.cluster_state();
  if (plan_.mdm.size == 1 ? state != world_.options().one_node_cluster_state
                          : state != "ClusteredNormal") {
    return false;
  }
  if (sim::ScaleioWorld::mode_name(c->mode) != reconcilers::mdm::mode_for_size(plan_.mdm.size)) {
    return false;
  }
  auto r = roles();
  std::vector<std::string> managers = r["master"];
  managers.insert(managers.end(), r["slave"].begin(), r["slave"].end());
  std::sort(managers.begin(), managers.end());
  std::vector<std::string> want = plan_.mdm.secondaries;
  want.push_back(plan_.mdm.primary);
  std::sort(want.begin(), want.end());
  return managers == want && r["tiebreaker"] == plan_.mdm.tiebreakers && r["standby"].empty();
}

bool MdmHarness::converge(int max_passes, Clock::Duration advance) {
  for (int i = 0; i < max_passes; ++i) {
    pass(advance);
    if (matches_plan()) return true;
  }
  return false;
}

}  // namespace scaleio::reconcilers::testing
