// drift(plan, observed) on hand-built plans and observed states (no gateway, no log).
#include <catch2/catch.hpp>

#include "core/observed/drift.h"
#include "core/ports/scaleio_types.h"

namespace scaleio::observed {

namespace {

using plan::Persona;

plan::Plan three_node_plan() {
  plan::Plan p;
  auto node = [&](const std::string& host, const std::string& ip, Persona persona) {
    plan::PlannedNode n;
    n.hostname = host;
    n.ip = ip;
    n.persona = persona;
    n.pools = {{"pd1", "sp1", {"/dev/sdb"}}};
    p.nodes[host] = n;
  };
  node("mdm1", "10.0.0.1", Persona::kPrimary);
  node("mdm2", "10.0.0.2", Persona::kSecondary);
  node("tb1", "10.0.0.3", Persona::kTiebreaker);
  p.nodes["mdm1"].volumes = {"vol1"};
  p.mdm.valid = true;
  p.mdm.size = 3;
  p.mdm.primary = "mdm1";
  p.mdm.secondaries = {"mdm2"};
  p.mdm.tiebreakers = {"tb1"};
  plan::PlannedVolume v;
  v.name = "vol1";
  v.requested_gb = 8;
  v.size_gb = 8;
  v.pool = {"pd1", "sp1"};
  v.hosts = {"mdm1"};
  p.volumes["vol1"] = v;
  return p;
}

// Builds an observed state the way the log would: events with increasing sequences.
struct StateBuilder {
  ObservedState state;
  uint64_t seq = 0;
  events::Envelope next() {
    events::Envelope e;
    e.set_sequence(++seq);
    return e;
  }
  void apply(events::Envelope e) { state.apply(e); }

  void reachable() {
    auto e = next();
    e.mutable_gateway_reachable()->set_version("2.0.1");
    apply(e);
  }
  events::MdmClusterObserved cluster(const std::string& mode = "ThreeNodes",
                                     const std::string& state_name = "ClusteredNormal") {
    events::MdmClusterObserved c;
    c.set_exists(true);
    c.set_id("c1");
    c.set_mode(mode);
    c.set_state(state_name);
    auto member = [&](const std::string& id, const std::string& ip, const std::string& role,
                      bool manager) {
      auto* m = c.add_members();
      m->set_id(id);
      m->set_name(id);
      m->add_ips(ip);
      m->set_role(role);
      m->set_status("Normal");
      m->set_manager(manager);
    };
    member("m1", "10.0.0.1", "master", true);
    member("m2", "10.0.0.2", "slave", true);
    member("t1", "10.0.0.3", "tiebreaker", false);
    return c;
  }
  void mdm(const events::MdmClusterObserved& c) {
    auto e = next();
    *e.mutable_mdm_cluster_observed() = c;
    apply(e);
  }
  void domain(const std::string& id, const std::string& name) {
    auto e = next();
    auto* pd = e.mutable_protection_domain_observed();
    pd->set_id(id);
    pd->set_name(name);
    pd->set_state("Active");
    apply(e);
  }
  void pool(const std::string& id, const std::string& name, const std::string& pd) {
    auto e = next();
    auto* p = e.mutable_storage_pool_observed();
    p->set_id(id);
    p->set_name(name);
    p->set_protection_domain_id(pd);
    p->mutable_capacity()->set_max_kb(300 * sio::kKbPerGb);
    apply(e);
  }
  events::SdsObserved sds_event(const std::string& id, const std::string& ip) {
    events::SdsObserved s;
    s.set_id(id);
    s.set_name(id);
    s.set_protection_domain_id("pd-1");
    auto* a = s.add_ips();
    a->set_ip(ip);
    a->set_role("all");
    s.set_state("Normal");
    s.set_membership_state("Joined");
    s.set_connection_state("Connected");
    auto* d = s.add_devices();
    d->set_id("dev-" + id);
    d->set_path("/dev/sdb");
    d->set_storage_pool_id("sp-1");
    d->set_state("Normal");
    d->set_error_state("None");
    return s;
  }
  void sds(const events::SdsObserved& s) {
    auto e = next();
    *e.mutable_sds_observed() = s;
    apply(e);
  }
  void sdc(const std::string& id, const std::string& ip, const std::string& connection) {
    auto e = next();
    auto* s = e.mutable_sdc_observed();
    s->set_id(id);
    s->set_ip(ip);
    s->set_connection_state(connection);
    apply(e);
  }
  events::VolumeObserved volume_event(const std::string& id, const std::string& name) {
    events::VolumeObserved v;
    v.set_id(id);
    v.set_name(name);
    v.set_size_kb(8 * sio::kKbPerGb);
    v.set_storage_pool_id("sp-1");
    v.set_type("ThinProvisioned");
    v.add_mapped_sdc_ids("sdc-1");
    return v;
  }
  void volume(const events::VolumeObserved& v) {
    auto e = next();
    *e.mutable_volume_observed() = v;
    apply(e);
  }

  // Everything the three-node plan asks for.
  void converged() {
    reachable();
    mdm(cluster());
    domain("pd-1", "pd1");
    pool("sp-1", "sp1", "pd-1");
    sds(sds_event("sds-1", "10.0.0.1"));
    sds(sds_event("sds-2", "10.0.0.2"));
    sds(sds_event("sds-3", "10.0.0.3"));
    sdc("sdc-1", "10.0.0.1", "Connected");
    volume(volume_event("vol-1", "vol1"));
  }
};

bool has(const std::vector<DriftItem>& items, const std::string& resource, DriftKind kind) {
  for (const auto& i : items) {
    if (i.resource == resource && i.kind == kind) return true;
  }
  return false;
}

std::string dump(const std::vector<DriftItem>& items) {
  std::string out;
  for (const auto& i : items) {
    out += i.resource + " " + std::string(drift_kind_name(i.kind)) + " " + i.detail + " @" +
           std::to_string(i.since) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("drift: a converged cluster has no drift") {
  StateBuilder b;
  b.converged();
  const auto items = drift(three_node_plan(), b.state);
  INFO(dump(items));
  CHECK(items.empty());
}

TEST_CASE("drift: before any observation there is only waiting for the gateway") {
  const auto items = drift(three_node_plan(), ObservedState());
  REQUIRE(items.size() == 1);
  CHECK(items[0].resource == "gateway");
  CHECK(items[0].kind == DriftKind::kWaiting);
}

TEST_CASE("drift: an empty system: the MDM is missing and storage waits for it") {
  StateBuilder b;
  b.reachable();
  b.mdm(events::MdmClusterObserved());  // exists = false
  const auto items = drift(three_node_plan(), b.state);
  INFO(dump(items));
  CHECK(has(items, "mdm-cluster", DriftKind::kMissing));
  CHECK(has(items, "domain/pd1", DriftKind::kWaiting));
  CHECK(has(items, "pool/pd1/sp1", DriftKind::kWaiting));
  CHECK(has(items, "sds/mdm1/pd1", DriftKind::kWaiting));
  CHECK(has(items, "sdc/mdm1", DriftKind::kMissing));
  CHECK(has(items, "volume/vol1", DriftKind::kWaiting));
  CHECK(has(items, "mapping/vol1/mdm1", DriftKind::kWaiting) == false);  // no volume yet
  // With a healthy MDM, the domain becomes "missing" (create it) and its children still wait.
  b.mdm(b.cluster());
  const auto next = drift(three_node_plan(), b.state);
  INFO(dump(next));
  CHECK(has(next, "domain/pd1", DriftKind::kMissing));
  CHECK(has(next, "pool/pd1/sp1", DriftKind::kWaiting));
  CHECK_FALSE(has(next, "mdm-cluster", DriftKind::kMissing));
}

TEST_CASE("drift: MDM cluster mode, health and membership") {
  StateBuilder b;
  b.converged();
  auto c = b.cluster("OneNode", "ClusteredDegraded");
  c.mutable_members(1)->set_role("standby");
  c.mutable_members(2)->set_status("Disconnected");
  auto* extra = c.add_members();
  extra->set_id("m9");
  extra->set_name("old-mdm");
  extra->add_ips("10.0.0.9");
  extra->set_role("standby");
  extra->set_manager(true);
  b.mdm(c);
  const uint64_t since = b.seq;
  const auto items = drift(three_node_plan(), b.state);
  INFO(dump(items));
  CHECK(has(items, "mdm-cluster", DriftKind::kMismatch));
  CHECK(has(items, "mdm-cluster", DriftKind::kUnhealthy));
  CHECK(has(items, "mdm/mdm2", DriftKind::kMismatch));
  CHECK(has(items, "mdm/tb1", DriftKind::kUnhealthy));
  CHECK(has(items, "mdm/old-mdm", DriftKind::kUnexpected));
  for (const auto& i : items) {
    if (i.resource.rfind("mdm", 0) == 0) CHECK(i.since == since);
  }
  // An unhealthy MDM makes missing storage wait.
  b.state.protection_domains.clear();
  CHECK(has(drift(three_node_plan(), b.state), "domain/pd1", DriftKind::kWaiting));
}

TEST_CASE("drift: SDSs, devices and fault sets") {
  StateBuilder b;
  b.converged();
  auto down = b.sds_event("sds-2", "10.0.0.2");
  down.set_connection_state("Disconnected");
  down.mutable_devices(0)->set_state("InitialTest");
  auto* stray = down.add_devices();
  stray->set_path("/dev/sdz");
  stray->set_state("Normal");
  b.sds(down);
  const uint64_t since = b.seq;
  auto plan = three_node_plan();
  plan.nodes["tb1"].fault_set = "rack2";
  plan.nodes["mdm1"].pools[0].devices.push_back("/dev/sdc");
  const auto items = drift(plan, b.state);
  INFO(dump(items));
  CHECK(has(items, "sds/mdm2/pd1", DriftKind::kUnhealthy));
  CHECK(has(items, "device/mdm2/dev/sdb", DriftKind::kWaiting));
  CHECK(has(items, "device/mdm2/dev/sdz", DriftKind::kUnexpected));
  CHECK(has(items, "device/mdm1/dev/sdc", DriftKind::kMissing));
  CHECK(has(items, "fault-set/pd1/rack2", DriftKind::kMissing));
  CHECK(has(items, "sds/tb1/pd1", DriftKind::kMismatch));  // not in fault set rack2
  for (const auto& i : items) {
    if (i.resource == "sds/mdm2/pd1") CHECK(i.since == since);
    if (i.kind == DriftKind::kMissing) CHECK(i.since == 0);
  }
  // An SDS the plan does not know.
  b.sds(b.sds_event("sds-9", "10.0.0.9"));
  CHECK(has(drift(plan, b.state), "sds/sds-9", DriftKind::kUnexpected));
}

TEST_CASE("drift: volumes, sizes and mappings") {
  StateBuilder b;
  b.converged();
  auto plan = three_node_plan();
  plan.volumes["vol1"].size_gb = 16;
  plan.volumes["vol1"].hosts = {"mdm1", "mdm2"};
  plan.nodes["mdm2"].volumes = {"vol1"};
  auto v = b.volume_event("vol-1", "vol1");
  v.clear_mapped_sdc_ids();
  v.add_mapped_sdc_ids("sdc-7");
  b.volume(v);
  b.sdc("sdc-7", "10.0.0.7", "Connected");
  b.volume(b.volume_event("vol-2", "scratch"));
  const auto items = drift(plan, b.state);
  INFO(dump(items));
  CHECK(has(items, "volume/vol1", DriftKind::kMismatch));       // 8 GB, planned 16
  CHECK(has(items, "mapping/vol1/mdm1", DriftKind::kMissing));  // SDC there, not mapped
  CHECK(has(items, "mapping/vol1/mdm2", DriftKind::kWaiting));  // SDC not registered
  CHECK(has(items, "mapping/vol1/10.0.0.7", DriftKind::kUnexpected));
  CHECK(has(items, "volume/scratch", DriftKind::kUnexpected));
  CHECK(has(items, "sdc/mdm2", DriftKind::kMissing));
  CHECK(has(items, "sdc/10.0.0.7", DriftKind::kUnexpected));
  // A disconnected SDC is unhealthy.
  b.sdc("sdc-1", "10.0.0.1", "Disconnected");
  CHECK(has(drift(plan, b.state), "sdc/mdm1", DriftKind::kUnhealthy));
}

TEST_CASE("drift: a stale state keeps its drift and says the gateway is unreachable") {
  StateBuilder b;
  b.converged();
  auto e = b.next();
  e.mutable_gateway_unreachable()->set_error("GET /api/instances: connection refused");
  b.apply(e);
  const auto items = drift(three_node_plan(), b.state);
  INFO(dump(items));
  REQUIRE(items.size() == 1);
  CHECK(items[0].resource == "gateway");
  CHECK(items[0].kind == DriftKind::kUnhealthy);
  CHECK(items[0].since == b.seq);
  CHECK(items[0].detail.find("connection refused") != std::string::npos);
  CHECK(b.state.sdss.size() == 3);  // nothing forgotten
}

TEST_CASE("drift: plan problems are invalid-plan items, an invalid MDM plan is not acted on") {
  StateBuilder b;
  b.converged();
  auto plan = three_node_plan();
  plan.mdm.valid = false;
  plan.problems.push_back(
      {plan::ProblemSeverity::kClusterError, "", "scaleio-persona", "two primaries"});
  plan.problems.push_back({plan::ProblemSeverity::kNodeError, "mdm2", "scaleio-sds", "bad path"});
  plan.problems.push_back({plan::ProblemSeverity::kWarning, "tb1", "", "just saying"});
  const auto items = drift(plan, b.state);
  INFO(dump(items));
  CHECK(has(items, "plan", DriftKind::kInvalidPlan));
  CHECK(has(items, "node/mdm2", DriftKind::kInvalidPlan));
  CHECK_FALSE(has(items, "node/tb1", DriftKind::kInvalidPlan));
  CHECK(items.size() == 2);
}

}  // namespace scaleio::observed
