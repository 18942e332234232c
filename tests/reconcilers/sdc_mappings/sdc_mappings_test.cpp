// The SDC and volume reconciler against the simulated ScaleIO world through the real gateway
// client (in-process), the real observer and a real log; time is a ManualClock.
#include <catch2/catch.hpp>

#include <algorithm>

#include "reconcilers/sdc_mappings/sdc_mappings_reconciler.h"
#include "tests/reconcilers/support/sim_gateway_fixture.h"

namespace scaleio::reconcilers::testing {

namespace {

using observed::DriftItem;
using observed::DriftKind;
using Attributes = std::map<std::string, std::string>;

// a, b, c: the MDM cluster and the SDSs of pd1/sp1; every host runs an SDC. Volumes: data1 on
// a (20 GB, rounded to 24), shared on b and c (multi-mapped).
std::map<std::string, Attributes> hosts() {
  std::map<std::string, Attributes> out;
  for (const auto& [host, persona] : std::map<std::string, std::string>{
           {"a", "primary"}, {"b", "secondary"}, {"c", "tiebreaker"}}) {
    out[host] = {{"scaleio-persona", persona},
                 {"scaleio-sds-domains", "pd1"},
                 {"scaleio-sds-pd1", "sp1"},
                 {"scaleio-sds-pd1.sp1", "/dev/sdb"},
                 {"scaleio-sdc-domains", "pd1"}};
  }
  out["a"]["scaleio-sdc-volumes"] = "data1=20GB@pd1/sp1";
  out["b"]["scaleio-sdc-volumes"] = "shared=8GB@pd1/sp1";
  out["c"]["scaleio-sdc-volumes"] = "shared=8GB@pd1/sp1";
  return out;
}

std::string ip_of(const std::string& host) {
  return "10.0.2." + std::to_string(host[0] - 'a' + 1);
}

plan::Plan plan_from(const std::map<std::string, Attributes>& hosts) {
  std::vector<events::AgentObserved> agents;
  for (const auto& [host, attributes] : hosts)
    agents.push_back(agent(host, ip_of(host), attributes));
  plan::Plan plan = plan_of(agents);
  INFO(plan.to_json().dump(2));
  for (const auto& p : plan.problems) REQUIRE(p.severity == plan::ProblemSeverity::kWarning);
  return plan;
}

std::string describe(const PassOutcome& outcome) {
  std::string out;
  for (const auto& i : outcome.drift) {
    out +=
        i.resource + " [" + std::string(observed::drift_kind_name(i.kind)) + "] " + i.detail + "\n";
  }
  return out;
}

const DriftItem* find_item(const PassOutcome& outcome, const std::string& resource,
                           DriftKind kind) {
  for (const auto& item : outcome.drift) {
    if (item.resource == resource && item.kind == kind) return &item;
  }
  return nullptr;
}

size_t count_actions(const RecordingExecutor& executor, const std::string& action) {
  return std::count_if(executor.performed().begin(), executor.performed().end(),
                       [&](const ActionRequest& r) { return r.action == action; });
}

struct SdcFixture {
  SdcFixture() : plan(plan_from(spec)), reconciler(f.client()) {
    f.install_nodes(plan);
    f.form_mdm_cluster(plan);
    // Storage as the storage reconciler would leave it: pd1/sp1 on the three SDSs.
    auto& c = f.client();
    pd = c.create_protection_domain("pd1").value();
    pool = c.create_storage_pool({"sp1", pd, "", std::nullopt, std::nullopt}).value();
    for (const char* host : {"a", "b", "c"}) {
      sio::NewSds sds{host, pd, "", {{ip_of(host), "all"}}, std::nullopt, {{"/dev/sdb", pool, ""}}};
      REQUIRE(c.create_sds(sds).ok());
    }
    f.sim().advance(std::chrono::minutes(1));
  }
  void replan() { plan = plan_from(spec); }
  PassOutcome pass() { return f.pass(reconciler, plan); }
  int converge(int max_passes = 6) {
    return f.converge(reconciler, plan, max_passes, std::chrono::seconds(5));
  }
  const sim::Volume* volume(const std::string& name) {
    for (const auto& [_, v] : f.world().volumes()) {
      if (v.name == name) return &v;
    }
    return nullptr;
  }
  std::string sdc_id(const std::string& host) {
    for (const auto& [id, s] : f.world().sdcs()) {
      if (s.ip == ip_of(host)) return id;
    }
    return "";
  }
  std::set<std::string> mapped_hosts(const std::string& volume_name) {
    std::set<std::string> out;
    const sim::Volume* v = volume(volume_name);
    if (v == nullptr) return out;
    for (const auto& id : v->mapped_sdc_ids) out.insert(f.world().sdcs().at(id).hostname);
    return out;
  }

  SimGatewayFixture f{"sdc_mappings"};
  std::map<std::string, Attributes> spec = hosts();
  plan::Plan plan;
  SdcMappingsReconciler reconciler;
  std::string pd, pool;
};

}  // namespace

TEST_CASE("SDCs are named after their hosts, volumes created and mapped") {
  SdcFixture s;
  REQUIRE(s.converge() <= 4);
  for (const char* host : {"a", "b", "c"}) {
    INFO(host);
    REQUIRE_FALSE(s.sdc_id(host).empty());
    CHECK(s.f.world().sdcs().at(s.sdc_id(host)).name == host);
  }
  const sim::Volume* data1 = s.volume("data1");
  REQUIRE(data1 != nullptr);
  CHECK(data1->size_kb == 24 * sio::kKbPerGb);  // 20 GB rounded up to a multiple of 8
  CHECK(data1->storage_pool_id == s.pool);
  CHECK(data1->thin);
  CHECK(s.mapped_hosts("data1") == std::set<std::string>{"a"});
  CHECK(s.mapped_hosts("shared") == std::set<std::string>{"b", "c"});  // multi-mapped
  CHECK(s.f.journal().created_by_operator("volume/data1"));

  // Converged: further passes do nothing.
  const size_t performed = s.f.executor().performed().size();
  CHECK(s.pass().actions_taken == 0);
  CHECK(s.f.executor().performed().size() == performed);
  CHECK(count(s.f.world()).volumes == 2);
  CHECK(count_actions(s.f.executor(), "create_volume") == 2);
  CHECK(count_actions(s.f.executor(), "set_sdc_name") == 3);
}

TEST_CASE("a volume grows with the plan, a shrink is refused as drift") {
  SdcFixture s;
  REQUIRE(s.converge() <= 4);
  s.spec["a"]["scaleio-sdc-volumes"] = "data1=40GB@pd1/sp1";
  s.replan();
  REQUIRE(s.converge() <= 3);
  CHECK(s.volume("data1")->size_kb == 40 * sio::kKbPerGb);
  CHECK(count_actions(s.f.executor(), "set_volume_size") == 1);

  s.spec["a"]["scaleio-sdc-volumes"] = "data1=16GB@pd1/sp1";
  s.replan();
  const PassOutcome outcome = s.pass();
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 0);
  const DriftItem* refused = find_item(outcome, "volume/data1", DriftKind::kMismatch);
  REQUIRE(refused != nullptr);
  CHECK_THAT(refused->detail, Catch::Contains("never shrinks"));
  CHECK(s.volume("data1")->size_kb == 40 * sio::kKbPerGb);
}

TEST_CASE("a host that stops declaring an owned volume loses its mapping") {
  SdcFixture s;
  REQUIRE(s.converge() <= 4);
  s.spec["c"].erase("scaleio-sdc-volumes");
  s.replan();
  const PassOutcome outcome = s.pass();
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 1);
  CHECK(count_actions(s.f.executor(), "unmap_volume") == 1);
  CHECK(s.mapped_hosts("shared") == std::set<std::string>{"b"});
  CHECK(s.converge() <= 2);
  CHECK(s.volume("shared") != nullptr);  // unmapped, never removed
}

TEST_CASE("a volume the operator did not create is never touched") {
  SdcFixture s;
  // Made by someone else, with a name the plan declares and one it does not; both mapped to c.
  auto& world = s.f.world();
  REQUIRE(s.converge() <= 4);
  auto legacy = world.add_volume({"legacy", "", s.pool, 8 * sio::kKbPerGb, true});
  auto other = world.add_volume({"other", "", s.pool, 8 * sio::kKbPerGb, true});
  REQUIRE(legacy.ok());
  REQUIRE(other.ok());
  REQUIRE(world.map_volume(legacy.value(), s.sdc_id("c"), false).ok());
  REQUIRE(world.map_volume(other.value(), s.sdc_id("c"), false).ok());
  // The plan declares "legacy" bigger and on a, not c.
  s.spec["a"]["scaleio-sdc-volumes"] = "data1=20GB@pd1/sp1,legacy=32GB@pd1/sp1";
  s.replan();
  s.f.executor().clear();
  for (int i = 0; i < 3; ++i) {
    const PassOutcome outcome = s.pass();
    INFO(describe(outcome));
    CHECK(outcome.actions_taken == 0);
    const DriftItem* left = find_item(outcome, "volume/legacy", DriftKind::kMismatch);
    REQUIRE(left != nullptr);
    CHECK_THAT(left->detail, Catch::Contains("not created by this operator"));
  }
  CHECK(s.f.executor().performed().empty());
  CHECK(s.volume("legacy")->size_kb == 8 * sio::kKbPerGb);
  CHECK(s.mapped_hosts("legacy") == std::set<std::string>{"c"});
  CHECK(s.mapped_hosts("other") == std::set<std::string>{"c"});
}

TEST_CASE("an SDC that has not registered is a waiting item") {
  SdcFixture s;
  s.spec["d"] = {{"scaleio-persona", "data"},
                 {"scaleio-sdc-domains", "pd1"},
                 {"scaleio-sdc-volumes", "shared=8GB@pd1/sp1"}};
  s.replan();
  PassOutcome outcome = s.pass();
  INFO(describe(outcome));
  const DriftItem* sdc = find_item(outcome, "sdc/d", DriftKind::kWaiting);
  REQUIRE(sdc != nullptr);
  CHECK_THAT(sdc->detail, Catch::Contains("node task"));
  // The rest goes on: shared is mapped to b and c meanwhile.
  s.converge(4);
  CHECK(s.mapped_hosts("shared") == std::set<std::string>{"b", "c"});

  // The node task installs the SDC: it registers, is named and gets its mapping.
  s.f.install_node(s.plan, "d");
  REQUIRE(s.converge() <= 4);
  CHECK(s.mapped_hosts("shared") == std::set<std::string>{"b", "c", "d"});
  CHECK(s.f.world().sdcs().at(s.sdc_id("d")).name == "d");
}

TEST_CASE("an unhealthy MDM cluster or a stale observation gets no action") {
  SdcFixture s;
  // The tie-breaker down: quorum holds (the gateway answers) but the cluster is degraded.
  REQUIRE(s.f.sim().fail_component("c", "tb").ok());
  PassOutcome outcome = s.pass();
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 0);
  CHECK(find_item(outcome, "mdm-cluster", DriftKind::kWaiting) != nullptr);
  REQUIRE(s.f.sim().restore_component("c", "tb").ok());

  s.f.sim().hang_requests_for(std::chrono::seconds(10));
  outcome = s.pass();
  INFO(describe(outcome));
  CHECK(s.f.observed().stale);
  CHECK(outcome.actions_taken == 0);
  CHECK(find_item(outcome, "volume/data1", DriftKind::kWaiting) != nullptr);
  CHECK(s.f.executor().performed().empty());
}

TEST_CASE("a pending create after a crash is resolved, the volume made once") {
  SdcFixture s;
  s.f.executor().crash_after_next_run();
  s.pass();
  s.f.rebuild_journal();
  REQUIRE(s.f.journal().pending("sdc_mappings").size() == 1);
  const std::string target = s.f.journal().pending("sdc_mappings")[0]->target;
  REQUIRE(s.converge() <= 4);
  REQUIRE(s.f.executor().resolved().size() == 1);
  CHECK(s.f.executor().resolved()[0] == std::make_pair(target, true));
  CHECK(count(s.f.world()).volumes == 2);
  CHECK(count_actions(s.f.executor(), "create_volume") == 2);
  CHECK(s.mapped_hosts("data1") == std::set<std::string>{"a"});
}

}  // namespace scaleio::reconcilers::testing
