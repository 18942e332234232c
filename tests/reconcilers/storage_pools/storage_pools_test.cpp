// The storage reconciler against the simulated ScaleIO world through the real gateway client
// (in-process, real JSON and sim rules), the real observer and a real log; time is a ManualClock.
#include <catch2/catch.hpp>

#include <algorithm>

#include "reconcilers/storage_pools/storage_pools_reconciler.h"
#include "tests/reconcilers/support/sim_gateway_fixture.h"

namespace scaleio::reconcilers::testing {

namespace {

using observed::DriftItem;
using observed::DriftKind;
using Attributes = std::map<std::string, std::string>;

// Six hosts: a, b, c form the MDM cluster; every host gives /dev/sdb to pd1/sp1; d, e, f also
// give /dev/sdc to pd2/sp3. Racks: a, d in rack1; b, e in rack2; c, f in rack3.
std::map<std::string, Attributes> six_hosts() {
  std::map<std::string, Attributes> hosts;
  const std::map<std::string, std::string> persona = {{"a", "primary"},    {"b", "secondary"},
                                                      {"c", "tiebreaker"}, {"d", "data"},
                                                      {"e", "data"},       {"f", "data"}};
  const std::map<std::string, std::string> rack = {{"a", "rack1"}, {"b", "rack2"}, {"c", "rack3"},
                                                   {"d", "rack1"}, {"e", "rack2"}, {"f", "rack3"}};
  for (const auto& [host, p] : persona) {
    Attributes a = {{"scaleio-persona", p},
                    {"scaleio-faultset", rack.at(host)},
                    {"scaleio-sds-domains", "pd1"},
                    {"scaleio-sds-pd1", "sp1"},
                    {"scaleio-sds-pd1.sp1", "/dev/sdb"},
                    {"scaleio-sdc-domains", "pd1"}};
    if (p == "data") {
      a["scaleio-sds-domains"] = "pd1,pd2";
      a["scaleio-sds-pd2"] = "sp3";
      a["scaleio-sds-pd2.sp3"] = "/dev/sdc";
    }
    hosts[host] = a;
  }
  return hosts;
}

std::string ip_of(const std::string& host) {
  return "10.0.1." + std::to_string(host[0] - 'a' + 1);
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

const DriftItem* find_item(const PassOutcome& outcome, const std::string& resource,
                           DriftKind kind) {
  for (const auto& item : outcome.drift) {
    if (item.resource == resource && item.kind == kind) return &item;
  }
  return nullptr;
}

std::string describe(const PassOutcome& outcome) {
  std::string out;
  for (const auto& i : outcome.drift) {
    out +=
        i.resource + " [" + std::string(observed::drift_kind_name(i.kind)) + "] " + i.detail + "\n";
  }
  return out;
}

size_t count_actions(const RecordingExecutor& executor, const std::string& action) {
  return std::count_if(executor.performed().begin(), executor.performed().end(),
                       [&](const ActionRequest& r) { return r.action == action; });
}

const sim::Sds* sds_named(const sim::ScaleioWorld& world, const std::string& name) {
  for (const auto& [_, s] : world.sdss()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

struct StorageFixture {
  StorageFixture() : plan(plan_from(hosts)), reconciler(f.client()) {
    f.install_nodes(plan);
    f.form_mdm_cluster(plan);
  }
  void replan() { plan = plan_from(hosts); }
  int converge(int max_passes = 12, bool allow_removals = false) {
    return f.converge(reconciler, plan, max_passes, std::chrono::seconds(15), allow_removals);
  }
  PassOutcome pass(bool allow_removals = false) { return f.pass(reconciler, plan, allow_removals); }

  SimGatewayFixture f{"storage_pools"};
  std::map<std::string, Attributes> hosts = six_hosts();
  plan::Plan plan;
  StoragePoolsReconciler reconciler;
};

}  // namespace

TEST_CASE("a 6-node plan converges from an empty MDM cluster, nothing twice") {
  StorageFixture s;
  const int passes = s.converge();
  INFO(describe(s.pass()));
  CHECK(passes <= 8);

  const auto& world = s.f.world();
  const WorldCounts n = count(world);
  CHECK(n.domains == 2);
  CHECK(n.fault_sets == 6);
  CHECK(n.pools == 2);
  CHECK(n.sdss == 9);
  CHECK(n.devices == 9);
  for (const auto& [_, sds] : world.sdss()) {
    INFO(sds.name);
    CHECK(sds.phase == sim::SdsPhase::kJoined);
    CHECK(world.sds_connected(sds));
  }
  for (const auto& [_, d] : world.devices()) CHECK_FALSE(d.testing);
  // Named after the host; the second domain of a host gets "<host>-<pd>".
  for (const char* name : {"a", "b", "c", "d", "e", "f", "d-pd2", "e-pd2", "f-pd2"}) {
    INFO(name);
    CHECK(sds_named(world, name) != nullptr);
  }
  const sim::Sds* d2 = sds_named(world, "d-pd2");
  REQUIRE(d2 != nullptr);
  CHECK(world.fault_sets().at(d2->fault_set_id).name == "rack1");
  CHECK(world.protection_domains().at(d2->protection_domain_id).name == "pd2");
  for (const auto& [_, d] : world.devices()) {
    const auto& sds = world.sdss().at(d.sds_id);
    const auto& pool = world.storage_pools().at(d.storage_pool_id);
    CHECK(pool.protection_domain_id == sds.protection_domain_id);
    CHECK(pool.name == (d.path == "/dev/sdb" ? "sp1" : "sp3"));
  }

  // Every create ran once, and converged passes act no more.
  CHECK(count_actions(s.f.executor(), "create_protection_domain") == 2);
  CHECK(count_actions(s.f.executor(), "create_fault_set") == 6);
  CHECK(count_actions(s.f.executor(), "create_storage_pool") == 2);
  CHECK(count_actions(s.f.executor(), "create_sds") == 9);
  CHECK(count_actions(s.f.executor(), "add_device") == 9);
  const size_t performed = s.f.executor().performed().size();
  for (int i = 0; i < 3; ++i) {
    s.f.sim().advance(std::chrono::minutes(1));
    CHECK(s.pass().actions_taken == 0);
  }
  CHECK(s.f.executor().performed().size() == performed);
  CHECK(count(world).sdss == 9);
}

TEST_CASE("an SDS is not added before its host's node task runs, then once") {
  SimGatewayFixture f{"storage_pools"};
  const plan::Plan plan = plan_from(six_hosts());
  // Host f is still installing: no SDS package, its node task not running.
  for (const auto& [host, _] : plan.nodes) {
    if (host != "f") f.install_node(plan, host);
  }
  f.form_mdm_cluster(plan);
  StoragePoolsReconciler reconciler(f.client());
  f.converge(reconciler, plan, 8, std::chrono::seconds(15));
  const PassOutcome waiting = f.pass(reconciler, plan);
  INFO(describe(waiting));
  for (const char* resource : {"sds/f/pd1", "sds/f/pd2"}) {
    INFO(resource);
    const DriftItem* item = find_item(waiting, resource, DriftKind::kWaiting);
    REQUIRE(item != nullptr);
    CHECK_THAT(item->detail, Catch::Contains("node task on f"));
  }
  // Not one request for f's SDSs while it installs (the gateway would refuse each).
  auto sds_adds = [&] {
    return std::count_if(f.executor().performed().begin(), f.executor().performed().end(),
                         [](const ActionRequest& r) { return r.action == "create_sds"; });
  };
  CHECK(sds_adds() == 7);
  CHECK(count(f.world()).sdss == 7);
  CHECK(f.journal().failing("storage_pools").empty());

  f.install_node(plan, "f");
  CHECK(f.converge(reconciler, plan, 8, std::chrono::seconds(15)) <= 4);
  CHECK(sds_adds() == 9);
  CHECK(count(f.world()).sdss == 9);
  CHECK(f.journal().failing("storage_pools").empty());
}

TEST_CASE("a device added to the plan is attached to its pool") {
  StorageFixture s;
  REQUIRE(s.converge() <= 8);
  s.hosts["b"]["scaleio-sds-pd1.sp1"] = "/dev/sdb,/dev/sdd";
  s.replan();
  const PassOutcome first = s.pass();
  CHECK(first.actions_taken == 1);
  CHECK(find_item(first, "device/b/dev/sdd", DriftKind::kMissing) != nullptr);
  REQUIRE(s.converge() <= 3);
  const auto& world = s.f.world();
  const sim::Sds* b = sds_named(world, "b");
  REQUIRE(b != nullptr);
  bool attached = false;
  for (const auto& [_, d] : world.devices()) {
    if (d.sds_id == b->id && d.path == "/dev/sdd") {
      attached = true;
      CHECK(world.storage_pools().at(d.storage_pool_id).name == "sp1");
    }
  }
  CHECK(attached);
  CHECK(count(world).devices == 10);
}

TEST_CASE("an unhealthy MDM cluster gets no action, only waiting items") {
  StorageFixture s;
  // The tie-breaker down: quorum holds (the gateway answers) but the cluster is degraded.
  REQUIRE(s.f.sim().fail_component("c", "tb").ok());
  const PassOutcome outcome = s.pass();
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 0);
  CHECK(s.f.executor().performed().empty());
  CHECK(count(s.f.world()).domains == 0);
  const DriftItem* mdm = find_item(outcome, "mdm-cluster", DriftKind::kWaiting);
  REQUIRE(mdm != nullptr);
  CHECK_THAT(mdm->detail, Catch::Contains("healthy MDM"));
  CHECK(find_item(outcome, "domain/pd1", DriftKind::kWaiting) != nullptr);
  CHECK(find_item(outcome, "domain/pd1", DriftKind::kMissing) == nullptr);

  // Healthy again: the reconciler goes on by itself.
  REQUIRE(s.f.sim().restore_component("c", "tb").ok());
  CHECK(s.converge() <= 8);
  CHECK(count(s.f.world()).sdss == 9);
}

TEST_CASE("a host leaving the plan is removed only when allowed, one SDS at a time") {
  StorageFixture s;
  REQUIRE(s.converge() <= 8);
  s.hosts.erase("f");
  s.replan();

  SECTION("without --allow-removals the SDSs are kept and the items say why") {
    const PassOutcome outcome = s.pass();
    INFO(describe(outcome));
    CHECK(outcome.actions_taken == 0);
    const DriftItem* f = find_item(outcome, "sds/f", DriftKind::kUnexpected);
    REQUIRE(f != nullptr);
    CHECK_THAT(f->detail, Catch::Contains("--allow-removals"));
    CHECK(find_item(outcome, "sds/f-pd2", DriftKind::kUnexpected) != nullptr);
    CHECK(count(s.f.world()).sdss == 9);
  }

  SECTION("with --allow-removals one SDS leaves, the next only after the rebalance") {
    PassOutcome outcome = s.pass(true);
    INFO(describe(outcome));
    CHECK(outcome.actions_taken == 1);
    REQUIRE(count_actions(s.f.executor(), "remove_sds") == 1);
    CHECK(s.f.executor().performed().back().target == "sds/f");
    const sim::Sds* f = sds_named(s.f.world(), "f");
    REQUIRE(f != nullptr);
    CHECK(f->phase == sim::SdsPhase::kRemoving);

    // While f's data moves, f-pd2 waits.
    outcome = s.pass(true);
    INFO(describe(outcome));
    CHECK(outcome.actions_taken == 0);
    const DriftItem* waiting = find_item(outcome, "sds/f-pd2", DriftKind::kWaiting);
    REQUIRE(waiting != nullptr);
    CHECK_THAT(waiting->detail, Catch::Contains("rebalance"));
    CHECK(find_item(outcome, "sds/f", DriftKind::kWaiting) != nullptr);

    // The rebalance ends (30 s base, no data): f is gone, then f-pd2 goes, then the empty fault
    // set pd2/rack3 (pd1/rack3 still holds c).
    s.f.sim().advance(std::chrono::seconds(31));
    outcome = s.pass(true);
    CHECK(sds_named(s.f.world(), "f") == nullptr);
    CHECK(count_actions(s.f.executor(), "remove_sds") == 2);
    s.f.sim().advance(std::chrono::seconds(31));
    CHECK(s.converge(6, true) <= 6);
    CHECK(sds_named(s.f.world(), "f-pd2") == nullptr);
    CHECK(count(s.f.world()).sdss == 7);
    CHECK(count(s.f.world()).fault_sets == 5);
    CHECK(count_actions(s.f.executor(), "remove_fault_set") == 1);
    CHECK(count_actions(s.f.executor(), "remove_sds") == 2);
  }
}

TEST_CASE("removal is refused while the rest cannot hold the data or a rebuild runs") {
  StorageFixture s;
  REQUIRE(s.converge() <= 8);
  // pd2/sp3: three 100 GB devices, 10% spare. A 96 GB thick volume holds 192 GB (two copies):
  // two devices would keep 180 GB beside the spare.
  std::string pool_id;
  for (const auto& [id, p] : s.f.world().storage_pools()) {
    if (p.name == "sp3") pool_id = id;
  }
  auto volume = s.f.client().create_volume({"big", "", pool_id, 96 * sio::kKbPerGb, false});
  REQUIRE(volume.ok());
  s.hosts["f"]["scaleio-sds-domains"] = "pd1";
  s.hosts["f"].erase("scaleio-sds-pd2");
  s.hosts["f"].erase("scaleio-sds-pd2.sp3");
  s.replan();

  PassOutcome outcome = s.pass(true);
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 0);
  const DriftItem* refused = find_item(outcome, "sds/f-pd2", DriftKind::kUnexpected);
  REQUIRE(refused != nullptr);
  CHECK_THAT(refused->detail, Catch::Contains("refused"));
  CHECK_THAT(refused->detail, Catch::Contains("sp3"));

  // Room again, but a rebuild runs (d's SDS is down): wait for it.
  REQUIRE(s.f.world().remove_volume(*volume).ok());
  REQUIRE(s.f.sim().fail_component("d", "sds").ok());
  outcome = s.pass(true);
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 0);
  const DriftItem* waiting = find_item(outcome, "sds/f-pd2", DriftKind::kWaiting);
  REQUIRE(waiting != nullptr);
  CHECK_THAT(waiting->detail, Catch::Contains("rebuild"));

  REQUIRE(s.f.sim().restore_component("d", "sds").ok());
  outcome = s.pass(true);
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 1);
  CHECK(count_actions(s.f.executor(), "remove_sds") == 1);
  CHECK(sds_named(s.f.world(), "f-pd2")->phase == sim::SdsPhase::kRemoving);
}

TEST_CASE("gateway 500s fail the action with a backoff, a later pass succeeds") {
  StorageFixture s;
  s.f.observe();
  s.f.sim().fail_requests_for(std::chrono::milliseconds(100));
  PassOutcome outcome = s.f.reconcile(s.reconciler, s.plan);
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 2);
  const TargetRecord* pd1 = s.f.journal().find("storage_pools", "domain/pd1");
  REQUIRE(pd1 != nullptr);
  CHECK(pd1->consecutive_failures == 1);
  CHECK(pd1->last_code == "Unavailable");
  CHECK(pd1->next_attempt_unix_ms > s.f.clock().now_unix_ms());
  CHECK(count(s.f.world()).domains == 0);

  // The gateway answers again, the backoff has not expired: a waiting item with the error.
  s.f.sim().advance(std::chrono::milliseconds(200));
  outcome = s.pass();
  INFO(describe(outcome));
  CHECK(outcome.actions_taken == 0);
  const DriftItem* waiting = find_item(outcome, "domain/pd1", DriftKind::kWaiting);
  REQUIRE(waiting != nullptr);
  CHECK_THAT(waiting->detail, Catch::Contains("500") || Catch::Contains("nternal"));
  CHECK_THAT(waiting->detail, Catch::Contains("next attempt at"));
  REQUIRE(outcome.requeue_after.has_value());
  CHECK(*outcome.requeue_after <= std::chrono::seconds(1));

  s.f.sim().advance(std::chrono::seconds(1));
  outcome = s.pass();
  CHECK(outcome.actions_taken == 2);
  CHECK(count(s.f.world()).domains == 2);
  CHECK(s.f.journal().find("storage_pools", "domain/pd1")->consecutive_failures == 0);
  CHECK(s.converge() <= 8);
}

TEST_CASE("an intent left pending by a crash is resolved, nothing created twice") {
  StorageFixture s;

  SECTION("the effect happened: resolved as done") {
    s.f.executor().crash_after_next_run();
    s.pass();
    CHECK(count(s.f.world()).domains == 2);
    s.f.rebuild_journal();  // the restart
    REQUIRE(s.f.journal().pending("storage_pools").size() == 1);
    s.f.executor().clear();
    s.pass();
    REQUIRE(s.f.executor().resolved().size() == 1);
    CHECK(s.f.executor().resolved()[0] == std::make_pair(std::string("domain/pd1"), true));
    CHECK(count_actions(s.f.executor(), "create_protection_domain") == 0);
    CHECK(s.f.journal().pending("storage_pools").empty());
    CHECK(s.f.journal().created_by_operator("domain/pd1"));
  }

  SECTION("the effect did not happen: resolved as failed and tried again at once") {
    s.f.observe();
    s.f.sim().fail_requests_for(std::chrono::milliseconds(100));
    s.f.executor().crash_after_next_run();
    s.f.reconcile(s.reconciler, s.plan);
    s.f.sim().advance(std::chrono::milliseconds(200));
    s.f.rebuild_journal();
    REQUIRE(s.f.journal().pending("storage_pools").size() == 1);
    s.f.executor().clear();
    const PassOutcome outcome = s.pass();
    INFO(describe(outcome));
    REQUIRE(s.f.executor().resolved().size() == 1);
    CHECK(s.f.executor().resolved()[0] == std::make_pair(std::string("domain/pd1"), false));
    // pd1 is retried at once; pd2 (an ordinary failure) waits for its backoff.
    CHECK(count_actions(s.f.executor(), "create_protection_domain") == 1);
    CHECK(find_item(outcome, "domain/pd2", DriftKind::kWaiting) != nullptr);
  }
  CHECK(s.converge() <= 8);
  CHECK(count(s.f.world()).domains == 2);
  CHECK(count(s.f.world()).sdss == 9);
}

TEST_CASE("wakes on the plan, gateway observations and its own failures") {
  SimGatewayFixture f("storage_pools");
  StoragePoolsReconciler r(f.client());
  events::Envelope e;
  e.mutable_plan_computed();
  CHECK(r.wakes_on(e));
  e.mutable_sds_observed();
  CHECK(r.wakes_on(e));
  e.mutable_scaleio_object_gone();
  CHECK(r.wakes_on(e));
  e.mutable_action_failed()->set_reconciler("storage_pools");
  CHECK(r.wakes_on(e));
  e.mutable_action_failed()->set_reconciler("nodes");
  CHECK_FALSE(r.wakes_on(e));
  e.mutable_task_status_observed();
  CHECK_FALSE(r.wakes_on(e));
}

}  // namespace scaleio::reconcilers::testing
