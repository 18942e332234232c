#include "tests/reconcilers/nodes/nodes_harness.h"

#include <algorithm>
#include <stdexcept>

#include "core/plan/plan_builder.h"
#include "reconcilers/nodes/node_task_spec.h"

namespace scaleio::testing {

namespace {

template <typename T>
T checked(Result<T> result) {
  if (!result.ok()) throw std::runtime_error(result.status().to_string());
  return std::move(result).value();
}

}  // namespace

std::map<std::string, Attributes> six_node_cluster() {
  const Attributes storage = {{"scaleio-sds-domains", "pd1"},
                              {"scaleio-sds-pd1", "sp1"},
                              {"scaleio-sds-sp1", "/dev/sdb"},
                              {"scaleio-sdc-domains", "pd1"},
                              {"scaleio-sdc-pd1", "sp1"}};
  auto with = [&](const std::string& persona) {
    Attributes a = storage;
    a.emplace_back("scaleio-persona", persona);
    return a;
  };
  return {{"mdm1", with("primary")}, {"mdm2", with("secondary")}, {"tb1", with("tiebreaker")},
          {"data1", with("data")},   {"data2", with("data")},     {"data3", with("data")}};
}

reconcilers::NodesSettings test_settings() {
  reconcilers::NodesSettings s;
  s.package_version = "2.0.13000.211";
  s.package_source = "http://repo.example/scaleio";
  s.artifact_url = "http://10.0.0.100:8080/v1/artifacts/scaleio-node";
  return s;
}

NodesHarness::NodesHarness(reconcilers::NodesSettings settings) {
  eventlog::EventLogOptions options;
  options.sync = false;
  options.clock = &clock;
  log_ = checked(eventlog::RocksEventLog::open(dir_.sub("log"), options));
  restart(std::move(settings));
}

void NodesHarness::restart(reconcilers::NodesSettings settings) {
  settings_ = std::move(settings);
  driver = std::make_unique<FakeMesosDriver>(log_.get());
  pool = std::make_unique<reconcilers::OfferPool>(clock, std::chrono::minutes(1));
  agents_seen.reset();
  tasks.reset();
  journal.reset();
  observed = observed::ObservedState();
  folded_ = 0;
  reconcilers::BackoffPolicy backoff;
  backoff.base = kTestBackoffBase;
  backoff.jitter_min = backoff.jitter_max = 1.0;
  executor_ = std::make_unique<reconcilers::JournaledExecutor>(
      *log_, clock, [] { return 0.5; }, "nodes", journal, backoff);
  reconciler_ = std::make_unique<reconcilers::NodesReconciler>(*driver, *pool, settings_);
}

void NodesHarness::append(const std::string& stream, Envelope event) {
  event.set_source(events::SOURCE_OBSERVER);
  checked(log_->append(stream, ExpectedVersion::any(), {std::move(event)}));
}

void NodesHarness::fold() {
  for (;;) {
    auto batch = checked(log_->read(folded_ + 1, 1000));
    if (batch.empty()) return;
    for (const auto& e : batch) {
      agents_seen.apply(e);
      tasks.apply(e);
      journal.apply(e);
      observed.apply(e);
      folded_ = e.sequence();
    }
  }
}

void NodesHarness::agent(const std::string& host, const Attributes& attributes, bool active) {
  if (!ips_.count(host)) ips_[host] = "10.0.0." + std::to_string(ips_.size() + 1);
  Envelope e;
  auto* a = e.mutable_agent_observed();
  a->set_hostname(host);
  a->set_agent_id(agent_id(host));
  a->set_ip(ips_[host]);
  a->set_active(active);
  for (const auto& [name, value] : attributes) {
    auto* attr = a->add_attributes();
    attr->set_name(name);
    attr->set_type(events::Attribute::TEXT);
    attr->set_text(value);
  }
  append("node/" + host, std::move(e));
}

void NodesHarness::agents(const std::map<std::string, Attributes>& cluster) {
  // In the cluster's documented order, so the IPs are predictable.
  for (const char* host : {"mdm1", "mdm2", "tb1", "data1", "data2", "data3"}) {
    if (cluster.count(host)) agent(host, cluster.at(host));
  }
  for (const auto& [host, attributes] : cluster) {
    if (!ips_.count(host)) agent(host, attributes);
  }
}

void NodesHarness::status(const std::string& task_id, const std::string& state) {
  Envelope e;
  auto* s = e.mutable_task_status_observed();
  s->set_task_id(task_id);
  auto known = tasks.tasks().find(task_id);
  if (known != tasks.tasks().end()) s->set_agent_id(known->second.agent_id);
  s->set_state(state);
  s->set_source("SOURCE_AGENT");
  append("task/" + task_id, std::move(e));
  fold();
}

void NodesHarness::gateway_reachable() {
  Envelope e;
  e.mutable_gateway_reachable()->set_gateway("https://10.0.0.1");
  append("scaleio/gateway", std::move(e));
}

void NodesHarness::mdm_cluster(const std::string& state) {
  Envelope e;
  auto* c = e.mutable_mdm_cluster_observed();
  c->set_exists(true);
  c->set_id("cluster-1");
  c->set_name("scaleio");
  c->set_mode("ThreeNodes");
  c->set_state(state);
  int n = 0;
  for (const char* host : {"mdm1", "mdm2", "tb1"}) {
    auto* m = c->add_members();
    m->set_id("mdm-" + std::to_string(++n));
    m->set_name(host);
    m->add_ips(ips_.at(host));
    m->set_role(n == 1 ? "master" : (n == 2 ? "slave" : "tiebreaker"));
    m->set_status("Normal");
    m->set_manager(n < 3);
  }
  append("scaleio/gateway", std::move(e));
}

void NodesHarness::sds(const std::string& id, const std::string& name, const std::string& ip) {
  Envelope e;
  auto* s = e.mutable_sds_observed();
  s->set_id(id);
  s->set_name(name);
  s->set_protection_domain_id("pd-1");
  auto* i = s->add_ips();
  i->set_ip(ip);
  i->set_role("all");
  s->set_state("Normal");
  append("scaleio/gateway", std::move(e));
}

void NodesHarness::sds_gone(const std::string& id) {
  Envelope e;
  auto* g = e.mutable_scaleio_object_gone();
  g->set_kind("Sds");
  g->set_id(id);
  append("scaleio/gateway", std::move(e));
}

void NodesHarness::offer(const std::string& host) {
  mesos::Offer o;
  o.id = "offer-" + std::to_string(++offers_made_);
  o.agent_id = agent_id(host);
  o.hostname = host;
  o.cpus = 4;
  o.mem_mb = 8192;
  o.disk_mb = 10000;
  pool->add({o});
}

void NodesHarness::offer_all() {
  fold();
  for (const auto& [host, agent] : agents_seen.agents()) offer(host);
}

reconcilers::PassOutcome NodesHarness::pass() {
  fold();
  std::vector<events::AgentObserved> agents;
  for (const auto& [host, agent] : agents_seen.agents()) agents.push_back(agent);
  plan = plan::build_plan(agents, plan::ClusterSettings());
  reconcilers::ReconcileInput input{
      plan, observed, tasks, agents_seen, journal, clock.now(), log_->last_sequence()};
  executor_->begin_pass("pass-" + std::to_string(++passes_));
  reconcilers::PassOutcome out = reconciler_->reconcile(input, *executor_);
  fold();
  return out;
}

std::map<std::string, mesos::TaskLaunch> NodesHarness::launched_by_host() const {
  std::map<std::string, mesos::TaskLaunch> out;
  for (const auto& task : driver->launched_tasks()) {
    for (const auto& [key, value] : task.labels) {
      if (key == "scaleio-host") out[value] = task;
    }
  }
  return out;
}

std::vector<std::string> NodesHarness::task_ids(const std::string& host) const {
  std::vector<std::string> out;
  for (const auto& [id, task] : tasks.tasks()) {
    auto parsed = reconcilers::parse_node_task_id(id);
    if (parsed && parsed->hostname == host) out.push_back(id);
  }
  return out;
}

const KnownTask* NodesHarness::latest_task(const std::string& host) const {
  const KnownTask* latest = nullptr;
  uint64_t best = 0;
  for (const auto& [id, task] : tasks.tasks()) {
    auto parsed = reconcilers::parse_node_task_id(id);
    if (parsed && parsed->hostname == host && parsed->incarnation > best) {
      best = parsed->incarnation;
      latest = &task;
    }
  }
  return latest;
}

void NodesHarness::run_all_launched() {
  for (const auto& task : driver->launched_tasks()) status(task.task_id, "TASK_RUNNING");
}

}  // namespace scaleio::testing
