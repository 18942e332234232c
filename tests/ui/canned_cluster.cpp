#include "tests/ui/canned_cluster.h"

#include "core/events.pb.h"
#include "core/observed/drift.h"
#include "core/observed/observed_state.h"
#include "core/plan/plan.h"
#include "core/views/json_views.h"

namespace scaleio::ui::testing {

namespace {

using nlohmann::json;

constexpr int64_t kGiBInKb = 1024 * 1024;
constexpr int64_t kNowMs = 1'764'000'000'000;

std::string ip_of(size_t i) {
  return "10.0.0." + std::to_string(11 + i);
}

plan::Plan canned_plan() {
  plan::Plan p;
  const plan::Persona personas[] = {plan::Persona::kPrimary, plan::Persona::kSecondary,
                                    plan::Persona::kTiebreaker};
  for (size_t i = 0; i < kHosts.size(); ++i) {
    plan::PlannedNode n;
    n.hostname = kHosts[i];
    n.agent_id = "agent-" + std::to_string(i + 1);
    n.ip = ip_of(i);
    n.persona = personas[i];
    n.pools = {{"pd1", "sp1", {"/dev/sdb", i == 1 ? "/dev/sdz" : "/dev/sdc"}}};
    n.sdc_pools = {{"pd1", "sp1"}};
    n.sdc_domains = {"pd1"};
    p.nodes[n.hostname] = n;
  }
  p.mdm.valid = true;
  p.mdm.size = 3;
  p.mdm.primary = kHosts[0];
  p.mdm.secondaries = {kHosts[1]};
  p.mdm.tiebreakers = {kHosts[2]};
  return p;
}

observed::ObservedState canned_observed() {
  observed::ObservedState s;
  s.ever_reached = true;
  s.reachable = true;
  s.stale = false;
  s.gateway_version = "2.0.14000";
  s.last_sequence = 5;

  events::MdmClusterObserved mdm;
  mdm.set_exists(true);
  mdm.set_id("7f3a9c0d12e4b001");
  mdm.set_name("scaleio");
  mdm.set_mode("ThreeNodes");
  mdm.set_state("ClusteredNormal");
  mdm.set_good_nodes(3);
  mdm.set_good_replicas(2);
  const char* roles[] = {"master", "slave", "tiebreaker"};
  for (size_t i = 0; i < kHosts.size(); ++i) {
    auto* m = mdm.add_members();
    m->set_id("mdm-" + std::to_string(i + 1));
    m->set_name(kHosts[i]);
    m->add_ips(ip_of(i));
    m->set_role(roles[i]);
    m->set_status("Normal");
    m->set_manager(i < 2);
  }
  s.mdm = observed::Seen<events::MdmClusterObserved>{mdm, 3};

  events::ProtectionDomainObserved pd;
  pd.set_id("pd-1");
  pd.set_name("pd1");
  pd.set_state("Active");
  s.protection_domains["pd-1"] = {pd, 4};

  events::StoragePoolObserved pool;
  pool.set_id("sp-1");
  pool.set_name("sp1");
  pool.set_protection_domain_id("pd-1");
  pool.set_media_type("HDD");
  pool.set_spare_percentage(10);
  pool.mutable_capacity()->set_max_kb(300 * kGiBInKb);
  pool.mutable_capacity()->set_in_use_kb(100 * kGiBInKb);
  pool.mutable_capacity()->set_unused_kb(170 * kGiBInKb);
  pool.mutable_capacity()->set_spare_kb(30 * kGiBInKb);
  s.storage_pools["sp-1"] = {pool, 5};

  for (size_t i = 0; i < kHosts.size(); ++i) {
    events::SdsObserved sds;
    sds.set_id("sds-" + std::to_string(i + 1));
    sds.set_name(kHosts[i] + "-pd1");
    sds.set_protection_domain_id("pd-1");
    auto* ip = sds.add_ips();
    ip->set_ip(ip_of(i));
    ip->set_role("all");
    sds.set_port(7072);
    sds.set_state("Normal");
    sds.set_membership_state("Joined");
    sds.set_connection_state("Connected");
    s.sdss[sds.id()] = {sds, 5};
    if (i < 2) {  // the third host's SDC is missing: one of the drift items
      events::SdcObserved sdc;
      sdc.set_id("sdc-" + std::to_string(i + 1));
      sdc.set_name(kHosts[i]);
      sdc.set_ip(ip_of(i));
      sdc.set_approved(true);
      sdc.set_connection_state("Connected");
      s.sdcs[sdc.id()] = {sdc, 5};
    }
  }
  return s;
}

std::vector<observed::DriftItem> storage_drift() {
  return {{kDriftResources[0], observed::DriftKind::kMissing, "device not added to the SDS", 0}};
}
std::vector<observed::DriftItem> mapping_drift() {
  return {
      {kDriftResources[1], observed::DriftKind::kMissing, "no SDC registered from 10.0.0.13", 0}};
}

json reconciler(const std::string& name, bool paused, const std::string& result, size_t drift_items,
                json backoff = json::array()) {
  return {{"name", name},
          {"paused", paused},
          {"passes", 42},
          {"lastPassStart", views::iso8601_utc(kNowMs - 1500)},
          {"lastPassEnd", views::iso8601_utc(kNowMs - 1400)},
          {"lastResult", result},
          {"lastError", result == "error" ? "gateway answered 500" : ""},
          {"refreshError", ""},
          {"actionsTotal", 7},
          {"driftItems", drift_items},
          {"nextDue", views::iso8601_utc(kNowMs + 8000)},
          {"backoff", std::move(backoff)}};
}

events::Envelope envelope(uint64_t sequence, const std::string& stream) {
  events::Envelope e;
  e.set_sequence(sequence);
  e.set_stream_id(stream);
  e.set_stream_version(1);
  e.set_timestamp_unix_ms(kNowMs - 60'000 + static_cast<int64_t>(sequence) * 1000);
  return e;
}

std::vector<events::Envelope> canned_events() {
  std::vector<events::Envelope> out;
  auto e = envelope(1, "scaleio/gateway");
  e.set_event_type("GatewayReachable");
  e.set_source(events::SOURCE_OBSERVER);
  e.mutable_gateway_reachable()->set_gateway("https://10.0.0.11");
  e.mutable_gateway_reachable()->set_version("2.0.14000");
  out.push_back(e);
  e = envelope(2, "reconciler/storage_pools");
  e.set_event_type("ActionStarted");
  e.set_source(events::SOURCE_RECONCILER);
  e.mutable_action_started()->set_reconciler("storage_pools");
  e.mutable_action_started()->set_action("add_device");
  e.mutable_action_started()->set_target(kDriftResources[0]);
  out.push_back(e);
  e = envelope(3, "reconciler/storage_pools");
  e.set_event_type("ActionFailed");
  e.set_source(events::SOURCE_RECONCILER);
  e.mutable_action_failed()->set_reconciler("storage_pools");
  e.mutable_action_failed()->set_action("add_device");
  e.mutable_action_failed()->set_target(kDriftResources[0]);
  e.mutable_action_failed()->set_code("UNAVAILABLE");
  e.mutable_action_failed()->set_error("gateway answered 500");
  e.mutable_action_failed()->set_attempt(1);
  out.push_back(e);
  e = envelope(4, "scaleio/gateway");
  e.set_event_type("MdmClusterObserved");
  e.set_source(events::SOURCE_OBSERVER);
  *e.mutable_mdm_cluster_observed() = canned_observed().mdm->value;
  out.push_back(e);
  e = envelope(5, "operator");
  e.set_event_type("OperatorCommand");
  e.set_source(events::SOURCE_OPERATOR);
  e.mutable_operator_command()->set_command("pause");
  e.mutable_operator_command()->set_target("nodes");
  e.mutable_operator_command()->set_requested_by("http-api");
  e.mutable_operator_command()->set_reason("maintenance window");
  out.push_back(e);
  return out;
}

}  // namespace

json plan_document() {
  const auto p = canned_plan();
  return {{"contentHash", p.content_hash()}, {"asOfSequence", 5}, {"plan", p.to_json()}};
}

json state_document() {
  const auto p = canned_plan();
  json agents = json::array();
  json tasks = json::array();
  for (const auto& [host, node] : p.nodes) {
    events::AgentObserved agent;
    agent.set_hostname(host);
    agent.set_agent_id(node.agent_id);
    agent.set_ip(node.ip);
    agent.set_active(true);
    agents.push_back(views::message_json(agent));
    tasks.push_back({{"taskId", "scaleio-node." + host + ".1"},
                     {"agentId", node.agent_id},
                     {"state", "TASK_RUNNING"},
                     {"terminal", false}});
  }
  return {{"asOfSequence", 5},
          {"frameworkId", "fw-ui-test"},
          {"agents", agents},
          {"tasks", tasks},
          {"scaleio", views::observed_json(canned_observed())}};
}

json drift_document() {
  auto both = storage_drift();
  both.push_back(mapping_drift()[0]);
  return {{"converged", false},
          {"asOfSequence", 5},
          {"reconcilers",
           {{"nodes", json::array()},
            {"mdm_quorum", json::array()},
            {"storage_pools", views::drift_json(storage_drift())},
            {"sdc_mappings", views::drift_json(mapping_drift())}}},
          {"observed", views::drift_json(both)}};
}

json reconcilers_document() {
  json backoff = json::array();
  backoff.push_back({{"target", kDriftResources[0]},
                     {"action", "add_device"},
                     {"failures", 1},
                     {"code", "UNAVAILABLE"},
                     {"error", "gateway answered 500"},
                     {"nextAttempt", views::iso8601_utc(kNowMs + 4000)}});
  return {{"reconcilers",
           {reconciler(kReconcilers[0], true, "paused", 0),
            reconciler(kReconcilers[1], false, "success", 0),
            reconciler(kReconcilers[2], false, "error", 1, backoff),
            reconciler(kReconcilers[3], false, "success", 1)}}};
}

json events_document(uint64_t from, uint64_t limit) {
  const auto all = canned_events();
  json list = json::array();
  for (const auto& e : all) {
    if (e.sequence() >= from && list.size() < limit) list.push_back(views::event_json(e));
  }
  const uint64_t next = list.empty() ? from : list.back()["sequence"].get<uint64_t>() + 1;
  return {{"events", list}, {"next", next}, {"lastSequence", all.size()}};
}

}  // namespace scaleio::ui::testing
