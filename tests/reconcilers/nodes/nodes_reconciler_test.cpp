#include <catch2/catch.hpp>

#include "reconcilers/nodes/node_task_spec.h"
#include "tests/reconcilers/nodes/nodes_harness.h"

using namespace scaleio;
using namespace scaleio::reconcilers;
using namespace scaleio::testing;
using observed::DriftItem;
using observed::DriftKind;

namespace {

const std::string kVersion = "2.0.13000.211";

std::vector<std::string> install_args(const std::string& roles) {
  return {"./scaleio-node",   "install",
          "--roles",          roles,
          "--mdm-ips",        "10.0.0.1,10.0.0.2",
          "--version",        kVersion,
          "--package-source", "http://repo.example/scaleio"};
}

const DriftItem* item(const PassOutcome& out, const std::string& resource) {
  for (const auto& d : out.drift) {
    if (d.resource == resource) return &d;
  }
  return nullptr;
}

bool has_text(const PassOutcome& out, const std::string& resource, const std::string& text) {
  const DriftItem* d = item(out, resource);
  return d && d->detail.find(text) != std::string::npos;
}

// Everything planned runs its current task; the MDM cluster is observed healthy.
void converge(NodesHarness& h) {
  h.agents(six_node_cluster());
  h.gateway_reachable();
  h.mdm_cluster("ClusteredNormal");
  h.offer_all();
  h.pass();
  REQUIRE(h.driver->launched_tasks().size() == 6);
  h.run_all_launched();
  auto out = h.pass();
  REQUIRE(out.drift.empty());
  h.driver->clear_calls();
}

Attributes without_sdc(const std::string& persona) {
  return {{"scaleio-persona", persona},
          {"scaleio-sds-domains", "pd1"},
          {"scaleio-sds-pd1", "sp1"},
          {"scaleio-sds-sp1", "/dev/sdb"}};
}

}  // namespace

TEST_CASE(
    "a 6-node plan launches one task per host with its roles, resources, artifact and command") {
  NodesHarness h;
  h.agents(six_node_cluster());
  h.offer_all();
  auto out = h.pass();
  REQUIRE_FALSE(h.plan.has_cluster_errors());
  REQUIRE(out.status.ok());

  REQUIRE(h.driver->launches().size() == 6);
  for (const auto& call : h.driver->launches()) {
    CHECK(call.offer_ids.size() == 1);
    CHECK(call.tasks.size() == 1);
    CHECK(call.refuse_seconds == 5);
  }
  auto launched = h.launched_by_host();
  REQUIRE(launched.size() == 6);
  const std::map<std::string, std::string> roles = {
      {"mdm1", "mdm,sds,sdc"}, {"mdm2", "mdm,sds,sdc"}, {"tb1", "tb,sds,sdc"},
      {"data1", "sds,sdc"},    {"data2", "sds,sdc"},    {"data3", "sds,sdc"}};
  for (const auto& [host, task] : launched) {
    INFO(host);
    CHECK(task.agent_id == h.agent_id(host));
    auto id = parse_node_task_id(task.task_id);
    REQUIRE(id);
    CHECK(id->hostname == host);
    CHECK(id->incarnation == 1);
    CHECK(task.command == "./scaleio-node");
    CHECK(task.arguments == install_args(roles.at(host)));
    const bool mdm_host = host == "mdm1" || host == "mdm2" || host == "tb1";
    CHECK(task.cpus == (mdm_host ? 1.5 : 0.5));
    CHECK(task.mem_mb == (mdm_host ? 3072 : 512));
    REQUIRE(task.uris.size() == 1);
    CHECK(task.uris[0].value == "http://10.0.0.100:8080/v1/artifacts/scaleio-node");
    CHECK(task.uris[0].executable);
    CHECK_FALSE(task.uris[0].extract);
    CHECK(item(out, "node/" + host) != nullptr);
  }
  CHECK(out.actions_taken == 6);
  CHECK(h.pool->size() == 0);
  CHECK(h.pool->demand());

  // Starting: nothing more to do, each host waits for its task.
  out = h.pass();
  CHECK(h.driver->launches().size() == 6);
  CHECK(has_text(out, "node/data1", "TASK_STAGING"));

  // Running everywhere: no drift, no demand for offers.
  h.run_all_launched();
  out = h.pass();
  CHECK(out.drift.empty());
  CHECK(out.actions_taken == 0);
  CHECK_FALSE(h.pool->demand());
}

TEST_CASE("a restarted operator derives the same tasks and launches nothing twice") {
  NodesHarness h;
  h.agents(six_node_cluster());
  h.offer_all();
  h.pass();
  REQUIRE(h.driver->launches().size() == 6);
  std::set<std::string> first;
  for (const auto& t : h.driver->launched_tasks()) first.insert(t.task_id);

  h.restart();
  h.offer_all();
  auto out = h.pass();
  CHECK(h.driver->launches().empty());
  CHECK(h.pool->size() == 6);
  CHECK_FALSE(h.pool->demand());
  CHECK(has_text(out, "node/mdm1", "TASK_STAGING"));

  for (const auto& id : first) h.status(id, "TASK_RUNNING");
  out = h.pass();
  CHECK(out.drift.empty());
  CHECK(h.driver->launches().empty());
}

TEST_CASE("intents left pending by a crash are resolved from the tasks Mesos knows") {
  NodesHarness h;
  h.agents(six_node_cluster());
  h.pass();  // no offers: builds the plan only
  REQUIRE(h.driver->launches().empty());
  auto id_for = [&](const std::string& host) {
    auto spec = node_task_spec(h.plan.nodes.at(host), plan_mdm_ips(h.plan), test_settings());
    return node_task_id(host, spec.generation, 1);
  };
  auto intent = [&](const std::string& host) {
    Envelope e;
    auto* s = e.mutable_action_started();
    s->set_reconciler("nodes");
    s->set_action("launch_task");
    s->set_target("node/" + host);
    s->set_idempotency_key(id_for(host));
    h.append("reconciler/nodes", e);
  };
  // data1's launch reached the adapter (TaskLaunchRequested), data2's did not; then a crash.
  intent("data1");
  Envelope requested;
  requested.mutable_task_launch_requested()->set_task_id(id_for("data1"));
  requested.mutable_task_launch_requested()->set_agent_id(h.agent_id("data1"));
  h.append("task/" + id_for("data1"), requested);
  intent("data2");

  h.restart();
  h.offer_all();
  auto out = h.pass();
  CHECK(out.actions_taken == 2);
  CHECK(h.driver->launches().empty());
  REQUIRE(out.requeue_after);
  CHECK(*out.requeue_after == Clock::Duration::zero());
  CHECK(h.journal.pending("nodes").empty());
  CHECK(h.journal.find("nodes", "node/data1")->consecutive_failures == 0);
  // Not in effect: retried at once, without a backoff.
  CHECK(h.journal.find("nodes", "node/data2")->last_code == "Aborted");
  CHECK_FALSE(h.journal.in_backoff("nodes", "node/data2", h.clock.now_unix_ms()));

  out = h.pass();
  auto launched = h.launched_by_host();
  CHECK(launched.size() == 5);
  CHECK_FALSE(launched.count("data1"));
  REQUIRE(launched.count("data2"));
  CHECK(launched.at("data2").task_id == id_for("data2"));  // never reached Mesos: same id
}

TEST_CASE("nothing is launched before Mesos task reconciliation has finished") {
  NodesHarness h;
  h.agents(six_node_cluster());
  Envelope e;
  auto* s = e.mutable_action_started();
  s->set_reconciler("nodes");
  s->set_action("launch_task");
  s->set_target("node/data1");
  s->set_idempotency_key("scaleio-node.data1.00000000.1");
  h.append("reconciler/nodes", e);
  h.driver->set_reconciled(false);
  h.offer_all();

  auto out = h.pass();
  CHECK(h.driver->launches().empty());
  CHECK(h.driver->refused_launches() == 0);
  CHECK(h.driver->kills().empty());
  REQUIRE(out.drift.size() == 1);
  CHECK(out.drift[0].kind == DriftKind::kWaiting);
  CHECK(out.drift[0].detail.find("reconciliation") != std::string::npos);
  CHECK(h.journal.pending("nodes").size() == 1);  // not resolved from a stale view
  CHECK(h.pool->size() == 6);

  h.driver->set_reconciled(true);
  h.pass();  // resolves the intent
  CHECK(h.journal.pending("nodes").empty());
  h.pass();
  CHECK(h.driver->launches().size() == 6);
}

TEST_CASE("no offer from a host's agent: waiting drift and demand for offers") {
  NodesHarness h;
  h.agents(six_node_cluster());
  auto out = h.pass();
  CHECK(h.driver->launches().empty());
  CHECK(h.pool->demand());
  CHECK(has_text(out, "node/data2", "no offer from agent agent-data2"));
  CHECK(out.drift.size() == 6);

  h.offer("mdm1");
  out = h.pass();
  CHECK(h.launched_by_host().count("mdm1"));
  CHECK(h.driver->launches().size() == 1);
  CHECK(h.pool->demand());

  SECTION("an offer too small for an MDM host is not used") {
    mesos::Offer small;
    small.id = "small";
    small.agent_id = h.agent_id("mdm2");
    small.cpus = 1;
    small.mem_mb = 1024;
    h.pool->add({small});
    h.pass();
    CHECK_FALSE(h.launched_by_host().count("mdm2"));
    CHECK(h.pool->size() == 1);
  }
}

TEST_CASE("a failed task is relaunched after a backoff that grows, shown as waiting drift") {
  NodesHarness h;
  converge(h);
  const std::string first = h.latest_task("data1")->task_id;

  h.status(first, "TASK_FAILED");
  h.offer("data1");
  auto out = h.pass();  // records the failure
  CHECK(h.driver->launches().empty());
  CHECK(has_text(out, "node/data1", "ended TASK_FAILED"));
  CHECK(h.pool->demand());

  out = h.pass();
  CHECK(h.driver->launches().empty());
  CHECK(has_text(out, "node/data1", "backing off after failure 1"));
  CHECK(has_text(out, "node/data1", "next attempt in 10s"));
  REQUIRE(out.requeue_after);
  CHECK(*out.requeue_after == std::chrono::seconds(10));

  h.clock.advance(std::chrono::seconds(10));
  out = h.pass();
  REQUIRE(h.driver->launches().size() == 1);
  const std::string second = h.driver->launched_tasks()[0].task_id;
  CHECK(parse_node_task_id(second)->incarnation == 2);
  CHECK(parse_node_task_id(second)->generation == parse_node_task_id(first)->generation);

  // A long-running task that finishes is a failure too; the backoff doubles.
  h.status(second, "TASK_FINISHED");
  h.offer("data1");
  h.pass();
  out = h.pass();
  CHECK(has_text(out, "node/data1", "backing off after failure 2"));
  CHECK(has_text(out, "node/data1", "next attempt in 20s"));
  h.clock.advance(std::chrono::seconds(10));
  h.pass();
  CHECK(h.driver->launches().size() == 1);
  h.clock.advance(std::chrono::seconds(10));
  h.pass();
  REQUIRE(h.driver->launches().size() == 2);
  const std::string third = h.driver->launched_tasks()[1].task_id;
  CHECK(parse_node_task_id(third)->incarnation == 3);

  // Running long enough clears the count: the next failure starts at the base backoff again.
  h.status(third, "TASK_RUNNING");
  h.clock.advance(test_settings().stable_after);
  out = h.pass();
  CHECK(out.drift.empty());
  CHECK(h.journal.find("nodes", "node/data1/task")->consecutive_failures == 0);
  h.status(third, "TASK_LOST");
  h.pass();
  out = h.pass();
  CHECK(has_text(out, "node/data1", "backing off after failure 1"));
}

TEST_CASE("a launch the driver refuses backs off on the host") {
  NodesHarness h;
  h.agents(six_node_cluster());
  h.driver->set_launch_error(unavailable("not subscribed; launch not sent"));
  h.offer_all();
  auto out = h.pass();
  CHECK(h.driver->launches().empty());
  CHECK(has_text(out, "node/data1", "not subscribed"));
  CHECK(h.journal.find("nodes", "node/data1")->consecutive_failures == 1);

  h.driver->set_launch_error(Status());
  h.offer_all();
  out = h.pass();
  CHECK(h.driver->launches().empty());
  CHECK(has_text(out, "node/data1", "backing off after failure 1"));
  h.clock.advance(std::chrono::seconds(10));
  h.offer_all();
  h.pass();
  CHECK(h.driver->launches().size() == 6);
}

TEST_CASE("a role change replaces the tasks one host at a time") {
  NodesHarness h;
  converge(h);
  const std::string old1 = h.latest_task("data1")->task_id;
  const std::string old2 = h.latest_task("data2")->task_id;
  h.agent("data1", without_sdc("data"));
  h.agent("data2", without_sdc("data"));

  auto out = h.pass();
  REQUIRE(h.driver->kills().size() == 1);
  CHECK(h.driver->kills()[0].task_id == old1);
  CHECK(h.driver->kills()[0].agent_id == h.agent_id("data1"));
  CHECK(item(out, "node/data2")->kind == DriftKind::kMismatch);
  CHECK(has_text(out, "node/data2", "after host data1"));
  CHECK(h.pool->demand());

  out = h.pass();  // the kill is in flight: nothing new
  CHECK(h.driver->kills().size() == 1);
  CHECK(has_text(out, "node/data1", "killing task " + old1));

  h.status(old1, "TASK_KILLED");
  h.offer("data1");
  h.offer("data2");
  out = h.pass();
  REQUIRE(h.driver->launches().size() == 1);
  const auto fresh = h.driver->launched_tasks()[0];
  CHECK(fresh.agent_id == h.agent_id("data1"));
  CHECK(fresh.arguments[3] == "sds");
  CHECK(parse_node_task_id(fresh.task_id)->generation != parse_node_task_id(old1)->generation);
  CHECK(h.driver->kills().size() == 1);  // data2 waits until data1 runs again

  h.status(fresh.task_id, "TASK_STARTING");
  h.pass();
  CHECK(h.driver->kills().size() == 1);

  h.status(fresh.task_id, "TASK_RUNNING");
  h.pass();
  REQUIRE(h.driver->kills().size() == 2);
  CHECK(h.driver->kills()[1].task_id == old2);
  // The killed task's end is expected, not a failure.
  h.status(old2, "TASK_KILLED");
  h.pass();
  REQUIRE(h.driver->launches().size() == 2);
  CHECK(h.driver->launched_tasks()[1].agent_id == h.agent_id("data2"));
  CHECK(h.journal.find("nodes", "node/data2/task") == nullptr);
}

TEST_CASE("a stale kill is sent again after a while") {
  NodesHarness h;
  converge(h);
  h.agent("data1", without_sdc("data"));
  h.pass();
  REQUIRE(h.driver->kills().size() == 1);
  h.clock.advance(test_settings().kill_retry_after);
  h.pass();
  CHECK(h.driver->kills().size() == 2);
}

TEST_CASE("an MDM host is not replaced while the MDM cluster is degraded") {
  NodesHarness h;
  converge(h);
  const std::string old = h.latest_task("mdm2")->task_id;
  h.mdm_cluster("ClusteredDegraded");
  h.agent("mdm2", without_sdc("secondary"));

  auto out = h.pass();
  CHECK(h.driver->kills().empty());
  CHECK(item(out, "node/mdm2")->kind == DriftKind::kMismatch);
  CHECK(has_text(out, "node/mdm2", "ClusteredDegraded"));
  CHECK_FALSE(h.pool->demand());

  h.mdm_cluster("ClusteredNormal");
  h.pass();
  REQUIRE(h.driver->kills().size() == 1);
  CHECK(h.driver->kills()[0].task_id == old);
}

TEST_CASE("a host that leaves the plan is killed only after its SDS is gone") {
  NodesHarness h;
  converge(h);
  const std::string task = h.latest_task("data3")->task_id;
  h.sds("sds-6", "sds-data3", h.ip("data3"));
  h.agent("data3", {});  // no scaleio attributes: out of the plan

  auto out = h.pass();
  CHECK(h.driver->kills().empty());
  CHECK(item(out, "node/data3")->kind == DriftKind::kWaiting);
  CHECK(has_text(out, "node/data3", "SDS sds-data3"));

  h.sds_gone("sds-6");
  out = h.pass();
  REQUIRE(h.driver->kills().size() == 1);
  CHECK(h.driver->kills()[0].task_id == task);
  CHECK(h.driver->kills()[0].agent_id == h.agent_id("data3"));
  h.pass();
  CHECK(h.driver->kills().size() == 1);

  h.status(task, "TASK_KILLED");
  out = h.pass();
  CHECK(out.drift.empty());
  CHECK(h.driver->launches().empty());
}

TEST_CASE("a host that leaves the plan keeps its task while the gateway view is stale") {
  NodesHarness h;
  h.agents(six_node_cluster());
  h.offer_all();
  h.pass();
  h.run_all_launched();
  h.agent("data3", {});
  auto out = h.pass();  // the gateway was never reached
  CHECK(h.driver->kills().empty());
  CHECK(has_text(out, "node/data3", "stale"));
}

TEST_CASE("node tasks of unknown hosts are killed, other tasks are left alone") {
  NodesHarness h;
  h.gateway_reachable();
  for (const std::string id : {"scaleio-node.ghost.0123abcd.1", "scli.create-cluster.1"}) {
    Envelope e;
    e.mutable_task_launch_requested()->set_task_id(id);
    e.mutable_task_launch_requested()->set_agent_id("agent-ghost");
    h.append("task/" + id, e);
    h.status(id, "TASK_RUNNING");
  }
  auto out = h.pass();
  REQUIRE(h.driver->kills().size() == 1);
  CHECK(h.driver->kills()[0].task_id == "scaleio-node.ghost.0123abcd.1");
  CHECK(h.driver->kills()[0].agent_id == "agent-ghost");
  CHECK(item(out, "node/ghost")->kind == DriftKind::kUnexpected);
}

TEST_CASE("the operator wakes on the events that change its drift") {
  NodesHarness h;
  FakeMesosDriver driver;
  OfferPool pool(h.clock, std::chrono::minutes(1));
  NodesReconciler r(driver, pool, test_settings());
  Envelope e;
  e.mutable_task_status_observed()->set_task_id("scaleio-node.h.0123abcd.1");
  CHECK(r.wakes_on(e));
  e.mutable_task_status_observed()->set_task_id("scli.create-cluster.1");
  CHECK_FALSE(r.wakes_on(e));
  e.mutable_agent_observed()->set_hostname("h");
  CHECK(r.wakes_on(e));
  e.mutable_action_succeeded()->set_reconciler("nodes");
  CHECK_FALSE(r.wakes_on(e));
}
