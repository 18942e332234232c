#include "tests/reconcilers/mdm_quorum/decision_fixture.h"

#include "core/plan/plan_builder.h"

namespace scaleio::reconcilers::testing {

DecisionFixture::DecisionFixture() : now(Clock::TimePoint(std::chrono::seconds(1'700'000'000))) {
  settings.admin_password_file = "/etc/scaleio/admin-password";
}

void DecisionFixture::rebuild() {
  std::vector<events::AgentObserved> agents;
  for (const auto& [name, persona] : personas_) {
    events::AgentObserved a;
    a.set_hostname(name);
    a.set_agent_id("agent-" + name);
    a.set_ip(ips_.at(name));
    a.set_active(true);
    auto* attr = a.add_attributes();
    attr->set_name("scaleio-persona");
    attr->set_type(events::Attribute::TEXT);
    attr->set_text(persona.empty() ? "data" : persona);
    agents.push_back(std::move(a));
  }
  plan::ClusterSettings cluster;
  cluster.adopt_mdm_ips = adopt_ips_;
  plan = plan::build_plan(agents, cluster);
}

void DecisionFixture::apply(events::Envelope e) {
  e.set_sequence(++sequence_);
  e.set_timestamp_unix_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  observed_.apply(e);
  tasks_.apply(e);
  journal_.apply(e);
}

void DecisionFixture::host(const std::string& name, const std::string& persona, bool node_task) {
  ips_[name] = "10.0.0." + std::to_string(11 + ips_.size());
  personas_[name] = persona;
  rebuild();
  if (node_task) task("scaleio-node." + name + ".0000abcd.1", name, "TASK_RUNNING");
}

void DecisionFixture::drop_from_plan(const std::string& name) {
  personas_.erase(name);
  rebuild();
}

void DecisionFixture::persona(const std::string& name, const std::string& persona) {
  personas_[name] = persona;
  rebuild();
}

void DecisionFixture::adopt(const std::vector<std::string>& ips) {
  adopt_ips_ = ips;
  rebuild();
}

void DecisionFixture::cluster(const std::string& mode, const std::vector<MemberSpec>& members) {
  if (!observed_.reachable) {
    events::Envelope up;
    up.mutable_gateway_reachable()->set_version("2.0.1");
    apply(up);
  }
  events::Envelope e;
  auto* c = e.mutable_mdm_cluster_observed();
  c->set_exists(true);
  c->set_id("cluster-1");
  c->set_mode(mode);
  bool all_good = true;
  for (const auto& m : members) {
    auto* o = c->add_members();
    o->set_id(m.id);
    o->set_name(m.host);
    o->add_ips(ips_.at(m.host));
    o->set_role(m.role);
    o->set_status(m.healthy ? "Normal" : "Disconnected");
    o->set_manager(m.manager);
    if (m.role != "standby" && !m.healthy) all_good = false;
  }
  c->set_state(mode == "OneNode" ? "NotClustered"
                                 : (all_good ? "ClusteredNormal" : "ClusteredDegraded"));
  apply(e);
}

void DecisionFixture::gateway_down(const std::string& error) {
  events::Envelope e;
  e.mutable_gateway_unreachable()->set_error(error);
  apply(e);
}

void DecisionFixture::down_for(const std::string& member_id, Clock::Duration d) {
  down_since_[member_id] = now - d;
}

void DecisionFixture::journal(events::Envelope e) {
  apply(std::move(e));
}

void DecisionFixture::succeeded(const std::string& action, const std::string& target,
                                Clock::Duration ago, const std::string& key) {
  const auto saved = now;
  now -= ago;
  events::Envelope started;
  auto* s = started.mutable_action_started();
  s->set_reconciler("mdm_quorum");
  s->set_action(action);
  s->set_target(target);
  s->set_idempotency_key(key);
  apply(started);
  events::Envelope done;
  auto* o = done.mutable_action_succeeded();
  o->set_reconciler("mdm_quorum");
  o->set_action(action);
  o->set_target(target);
  o->set_idempotency_key(key);
  apply(done);
  now = saved;
}

void DecisionFixture::pending(const std::string& action, const std::string& target,
                              const std::string& key) {
  events::Envelope started;
  auto* s = started.mutable_action_started();
  s->set_reconciler("mdm_quorum");
  s->set_action(action);
  s->set_target(target);
  s->set_idempotency_key(key);
  apply(started);
}

void DecisionFixture::task(const std::string& task_id, const std::string& host,
                           const std::string& state) {
  events::Envelope e;
  auto* s = e.mutable_task_status_observed();
  s->set_task_id(task_id);
  s->set_agent_id("agent-" + host);
  s->set_state(state);
  apply(e);
}

Decision DecisionFixture::decide() {
  return mdm::decide({plan, observed_, tasks_, journal_, now, sequence_, down_since_, settings});
}

bool has_drift(const Decision& d, const std::string& resource, const std::string& detail_part) {
  for (const auto& item : d.drift) {
    if (item.resource == resource && item.detail.find(detail_part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string drift_text(const Decision& d) {
  std::string out;
  for (const auto& item : d.drift) {
    out += item.resource + " [" + std::string(observed::drift_kind_name(item.kind)) + "] " +
           item.detail + "\n";
  }
  return out;
}

}  // namespace scaleio::reconcilers::testing
