#include "tests/reconcilers/support/sim_gateway_fixture.h"

#include <stdexcept>

#include "core/observed/drift.h"
#include "core/plan/plan_builder.h"

namespace scaleio::reconcilers::testing {

namespace {

template <typename T>
T must(Result<T> r, const char* what) {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.status().to_string());
  return std::move(r).value();
}

void must(const Status& s, const char* what) {
  if (!s.ok()) throw std::runtime_error(std::string(what) + ": " + s.to_string());
}

}  // namespace

events::AgentObserved agent(const std::string& host, const std::string& ip,
                            const std::map<std::string, std::string>& attributes) {
  events::AgentObserved a;
  a.set_hostname(host);
  a.set_agent_id("S-" + host);
  a.set_ip(ip);
  a.set_active(true);
  for (const auto& [name, value] : attributes) {
    auto* at = a.add_attributes();
    at->set_name(name);
    at->set_type(events::Attribute::TEXT);
    at->set_text(value);
  }
  return a;
}

plan::Plan plan_of(const std::vector<events::AgentObserved>& agents) {
  return plan::build_plan(agents, {});
}

SimGatewayFixture::SimGatewayFixture(std::string reconciler, sim::SimGatewayWorldOptions options)
    : sim_(std::move(options)) {
  client_ = must(sim_.client(), "gateway client");
  eventlog::EventLogOptions log_options;
  log_options.sync = false;
  log_options.clock = &sim_.clock();
  log_ = must(eventlog::RocksEventLog::open(dir_.sub("log"), log_options), "event log");
  gateway::ObserverOptions observer_options;
  observer_options.gateway = "https://sim-gateway";
  observer_ = std::make_unique<gateway::GatewayObserver>(*client_, *log_, observer_options);
  must(observer_->load(), "observer load");
  executor_ = std::make_unique<RecordingExecutor>(*log_, journal_, sim_.clock(), reconciler);
}

SimGatewayFixture::~SimGatewayFixture() = default;

void SimGatewayFixture::install_node(const plan::Plan& plan, const std::string& host,
                                     int64_t device_capacity_kb) {
  const plan::PlannedNode& node = plan.nodes.at(host);
  sim::NodeInstall install;
  install.hostname = host;
  install.ip = node.ip;
  for (const auto& role : node.roles()) install.roles.insert(role);
  std::vector<std::string> managers = {plan.mdm.primary};
  managers.insert(managers.end(), plan.mdm.secondaries.begin(), plan.mdm.secondaries.end());
  for (const auto& m : managers) {
    if (plan.nodes.count(m)) install.mdm_ips.push_back(plan.nodes.at(m).ip);
  }
  if (device_capacity_kb > 0) {
    for (const auto& pool : node.pools) {
      for (const auto& path : pool.devices) install.device_capacity_kb[path] = device_capacity_kb;
    }
  }
  sim_.node_installed(install);
  // As the node task would report it once the packages are installed.
  events::Envelope running;
  auto* status = running.mutable_task_status_observed();
  status->set_task_id("scaleio-node." + host + ".00000000.1");
  status->set_agent_id(node.agent_id);
  status->set_state("TASK_RUNNING");
  tasks_.apply(running);
}

void SimGatewayFixture::install_nodes(const plan::Plan& plan, int64_t device_capacity_kb) {
  for (const auto& [host, _] : plan.nodes) install_node(plan, host, device_capacity_kb);
}

void SimGatewayFixture::form_mdm_cluster(const plan::Plan& plan) {
  const std::string& primary = plan.mdm.primary;
  const std::string primary_ip = plan.nodes.at(primary).ip;
  must(sim_.run_mdm_command(
           primary, {"mdm", "create-cluster", "--master-ip", primary_ip, "--master-name", primary}),
       "create-cluster");
  if (plan.mdm.size != 3) return;
  const std::string& secondary = plan.mdm.secondaries.at(0);
  const std::string& tb = plan.mdm.tiebreakers.at(0);
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"mdm", "add-standby", "--ip", plan.nodes.at(secondary).ip, "--role", "manager",
            "--name", secondary},
           {"mdm", "add-standby", "--ip", plan.nodes.at(tb).ip, "--role", "tb", "--name", tb},
           {"mdm", "switch-mode", "--mode", "3_node", "--add-slaves", secondary, "--add-tbs",
            tb}}) {
    must(sim_.run_mdm_command(primary, argv), "scli");
  }
}

void SimGatewayFixture::catch_up() {
  for (;;) {
    auto events = must(log_->read(journal_sequence_ + 1, 1000), "read log");
    if (events.empty()) return;
    for (const auto& e : events) {
      journal_.apply(e);
      journal_sequence_ = e.sequence();
    }
  }
}

void SimGatewayFixture::rebuild_journal() {
  journal_.reset();
  journal_sequence_ = 0;
  catch_up();
}

void SimGatewayFixture::observe() {
  must(observer_->poll_once(), "observer poll");
  observed_ = observer_->state();
  catch_up();
}

PassOutcome SimGatewayFixture::pass(Reconciler& reconciler, const plan::Plan& plan,
                                    bool allow_removals) {
  observe();
  return this->reconcile(reconciler, plan, allow_removals);
}

PassOutcome SimGatewayFixture::reconcile(Reconciler& reconciler, const plan::Plan& plan,
                                         bool allow_removals) {
  ReconcileInput input{plan,
                       observed_,
                       tasks_,
                       agents_,
                       journal_,
                       sim_.clock().now(),
                       log_->last_sequence(),
                       allow_removals};
  executor_->begin_pass("pass-" + std::to_string(++passes_));
  PassOutcome outcome = reconciler.reconcile(input, *executor_);
  catch_up();
  return outcome;
}

int SimGatewayFixture::converge(Reconciler& reconciler, const plan::Plan& plan, int max_passes,
                                Clock::Duration step, bool allow_removals) {
  for (int n = 1; n <= max_passes; ++n) {
    sim_.advance(step);
    PassOutcome outcome = pass(reconciler, plan, allow_removals);
    bool settled = outcome.actions_taken == 0;
    for (const auto& item : outcome.drift) {
      if (item.kind != observed::DriftKind::kUnexpected &&
          item.kind != observed::DriftKind::kInvalidPlan) {
        settled = false;
      }
    }
    if (settled) return n;
  }
  return max_passes + 1;
}

WorldCounts count(const sim::ScaleioWorld& world) {
  return {world.protection_domains().size(),
          world.fault_sets().size(),
          world.storage_pools().size(),
          world.sdss().size(),
          world.devices().size(),
          world.sdcs().size(),
          world.volumes().size()};
}

}  // namespace scaleio::reconcilers::testing
