// The reconciler over the simulated ScaleIO world: bootstrap, healing, refusals, rollback and
// restarts, with the world's quorum checked after every pass.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/reconcilers/mdm_quorum/mdm_harness.h"

namespace scaleio::reconcilers::testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

void three_node_plan(MdmHarness& h) {
  h.add_host("node-01", "10.0.0.11", "primary");
  h.add_host("node-02", "10.0.0.12", "secondary");
  h.add_host("node-03", "10.0.0.13", "tiebreaker");
}

void install_all(MdmHarness& h, const std::vector<std::string>& hosts) {
  for (const auto& host : hosts) h.install(host);
}

size_t calls(const MdmHarness& h, const std::string& name) {
  const auto& c = const_cast<MdmHarness&>(h).gateway().calls();
  return static_cast<size_t>(std::count(c.begin(), c.end(), name));
}

bool has_drift(const PassOutcome& out, const std::string& resource, const std::string& part) {
  return std::any_of(out.drift.begin(), out.drift.end(), [&](const observed::DriftItem& i) {
    return i.resource == resource && i.detail.find(part) != std::string::npos;
  });
}

std::string drift_text(const PassOutcome& out) {
  std::string s;
  for (const auto& i : out.drift) s += i.resource + ": " + i.detail + "\n";
  return s;
}

// Every outcome follows its own intent, and nothing runs without one.
void check_intent_first(const MemoryExecutor& executor) {
  std::map<std::string, int> open;  // target -> intents without an outcome
  for (const auto& e : executor.events()) {
    if (e.has_action_started()) ++open[e.action_started().target()];
    if (e.has_action_succeeded()) CHECK(open[e.action_succeeded().target()]-- == 1);
    if (e.has_action_failed()) CHECK(open[e.action_failed().target()]-- == 1);
  }
}

TEST_CASE(
    "reconciler: 3-node bootstrap from empty converges to ClusteredNormal with the planned roles") {
  MdmHarness h;
  three_node_plan(h);
  // Nothing before the MDM hosts run their node tasks.
  PassOutcome out = h.pass();
  INFO(drift_text(out));
  CHECK(out.actions_taken == 0);
  CHECK(has_drift(out, "mdm-cluster", "waiting for the node task on node-01"));
  CHECK(h.driver().launched_tasks().empty());

  install_all(h, {"node-01", "node-02", "node-03"});
  REQUIRE(h.converge(40));
  CHECK(h.passes_without_quorum() == 0);
  CHECK(h.world().cluster_state() == "ClusteredNormal");
  auto roles = h.roles();
  CHECK(roles["master"] == std::vector<std::string>{"node-01"});
  CHECK(roles["slave"] == std::vector<std::string>{"node-02"});
  CHECK(roles["tiebreaker"] == std::vector<std::string>{"node-03"});

  // Two one-shot tasks: create-cluster, then set-password with the secret file's NAME only.
  const auto tasks = h.driver().launched_tasks();
  REQUIRE(tasks.size() == 2);
  CHECK(tasks[0].arguments == std::vector<std::string>{"./scaleio-node", "mdm", "create-cluster",
                                                       "--master-ip", "10.0.0.11", "--master-name",
                                                       "node-01"});
  CHECK(tasks[0].command == "./scaleio-node");
  REQUIRE(tasks[0].uris.size() == 1);
  CHECK(tasks[1].arguments == std::vector<std::string>{"./scaleio-node", "mdm", "set-password"});
  CHECK(tasks[1].environment ==
        std::vector<std::pair<std::string, std::string>>{
            {"SCALEIO_ADMIN_PASSWORD_FILE", "/etc/scaleio/admin-password"}});
  CHECK(calls(h, "add_standby_mdm") == 2);
  CHECK(calls(h, "switch_cluster_mode") == 1);
  check_intent_first(h.executor());

  // Converged: further passes change nothing and report nothing.
  for (int i = 0; i < 3; ++i) {
    out = h.pass(minutes(1));
    INFO(drift_text(out));
    CHECK(out.actions_taken == 0);
    CHECK(out.drift.empty());
  }
}

TEST_CASE("reconciler: 5-node bootstrap from empty converges") {
  MdmHarness h;
  h.add_host("node-01", "10.0.0.11", "primary");
  h.add_host("node-02", "10.0.0.12", "secondary");
  h.add_host("node-03", "10.0.0.13", "secondary");
  h.add_host("node-04", "10.0.0.14", "tiebreaker");
  h.add_host("node-05", "10.0.0.15", "tiebreaker");
  install_all(h, {"node-01", "node-02", "node-03", "node-04", "node-05"});
  REQUIRE(h.converge(60));
  CHECK(h.passes_without_quorum() == 0);
  CHECK(h.world().cluster_state() == "ClusteredNormal");
  auto roles = h.roles();
  CHECK(roles["master"] == std::vector<std::string>{"node-01"});
  CHECK(roles["slave"] == std::vector<std::string>{"node-02", "node-03"});
  CHECK(roles["tiebreaker"] == std::vector<std::string>{"node-04", "node-05"});
  CHECK(calls(h, "switch_cluster_mode") == 1);  // OneNode straight to FiveNodes
  check_intent_first(h.executor());
}

TEST_CASE(
    "reconciler: a failed primary MDM is replaced after the timeout without ever losing quorum") {
  MdmHarness h;
  three_node_plan(h);
  h.add_host("node-04", "10.0.0.14", "");
  install_all(h, {"node-01", "node-02", "node-03", "node-04"});
  REQUIRE(h.converge(40));

  // node-01 (the master) dies; the cluster fails over to node-02. The operator moves the
  // personas: node-02 primary, node-04 the new secondary; node-01's agent is gone.
  h.world().node_down("node-01");
  h.remove_host("node-01");
  h.set_persona("node-02", "primary");
  h.set_persona("node-04", "secondary");
  const size_t switches_before = calls(h, "switch_cluster_mode");
  PassOutcome out;
  for (int i = 0; i < 8; ++i) out = h.pass(minutes(1));
  INFO(drift_text(out));
  CHECK(calls(h, "switch_cluster_mode") == switches_before);  // not before 10 minutes
  CHECK(has_drift(out, "mdm/node-01", "replaced by a planned spare after 10m"));

  REQUIRE(h.converge(20, minutes(1)));
  CHECK(h.passes_without_quorum() == 0);
  auto roles = h.roles();
  std::vector<std::string> managers = roles["master"];
  managers.insert(managers.end(), roles["slave"].begin(), roles["slave"].end());
  std::sort(managers.begin(), managers.end());
  CHECK(managers == std::vector<std::string>{"node-02", "node-04"});
  CHECK(roles["tiebreaker"] == std::vector<std::string>{"node-03"});
  CHECK(roles["standby"].empty());  // the lost member was removed after the swap
  check_intent_first(h.executor());
}

TEST_CASE("reconciler: a lost tie-breaker is replaced by the planned spare") {
  MdmHarness h;
  three_node_plan(h);
  h.add_host("node-04", "10.0.0.14", "");
  install_all(h, {"node-01", "node-02", "node-03", "node-04"});
  REQUIRE(h.converge(40));

  h.world().node_down("node-03");
  h.remove_host("node-03");
  h.set_persona("node-04", "tiebreaker");
  REQUIRE(h.converge(30, minutes(1)));
  CHECK(h.passes_without_quorum() == 0);
  auto roles = h.roles();
  CHECK(roles["tiebreaker"] == std::vector<std::string>{"node-04"});
  CHECK(roles["standby"].empty());
}

TEST_CASE("reconciler: an unsafe change is refused and shown in drift") {
  MdmHarness h;
  three_node_plan(h);
  h.add_host("node-04", "10.0.0.14", "");
  install_all(h, {"node-01", "node-02", "node-03", "node-04"});
  REQUIRE(h.converge(40));

  // node-02 is down (and still planned); the operator moves the tie-breaker persona from the
  // healthy node-03 to node-04. Switching node-03 out now would leave 1 good of 2 voting MDMs.
  REQUIRE(h.world().fail_component("node-02", "mdm").ok());
  h.set_persona("node-03", "");
  h.set_persona("node-04", "tiebreaker");
  PassOutcome out;
  for (int i = 0; i < 30; ++i) out = h.pass(minutes(1));
  INFO(drift_text(out));
  CHECK(has_drift(out, "mdm-cluster", "refused switch ThreeNodes -tb node-03 +tb node-04"));
  CHECK(h.roles()["tiebreaker"] == std::vector<std::string>{"node-03"});
  CHECK(h.passes_without_quorum() == 0);
  const size_t switches = calls(h, "switch_cluster_mode");

  // Once node-02 is back the same change is safe and is made.
  REQUIRE(h.world().restore_component("node-02", "mdm").ok());
  REQUIRE(h.converge(10, minutes(1)));
  CHECK(calls(h, "switch_cluster_mode") == switches + 1);
  CHECK(h.roles()["tiebreaker"] == std::vector<std::string>{"node-04"});
  CHECK(h.passes_without_quorum() == 0);
}

TEST_CASE("reconciler: a new member that fails to join is rolled back and retried later") {
  MdmHarness h;
  three_node_plan(h);
  install_all(h, {"node-01", "node-02", "node-03"});
  // Bootstrap until node-02 has been added as a standby, then its MDM dies before the switch.
  for (int i = 0; i < 40 && h.roles()["standby"].empty(); ++i) h.pass();
  REQUIRE(h.roles()["standby"] == std::vector<std::string>{"node-02"});
  REQUIRE(h.world().fail_component("node-02", "mdm").ok());

  PassOutcome out = h.pass(minutes(1));
  INFO(drift_text(out));
  CHECK(has_drift(out, "mdm/node-02", "rolled back unless Normal within"));
  for (int i = 0; i < 10 && calls(h, "remove_standby_mdm") == 0; ++i) out = h.pass(minutes(1));
  // Past the 5-minute join timeout: removed again, and the failure is in the journal.
  CHECK(calls(h, "remove_standby_mdm") == 1);
  CHECK(h.roles()["standby"] != std::vector<std::string>{"node-02"});
  const TargetRecord* r = h.journal().find("mdm_quorum", "mdm/node-02");
  REQUIRE(r != nullptr);
  CHECK(r->last_action == "rollback_join");
  CHECK(r->last_code == "DeadlineExceeded");
  CHECK(r->consecutive_failures == 1);
  CHECK(h.world().mdm_cluster()->mode == sim::ClusterMode::kOneNode);  // never switched with it

  REQUIRE(h.world().restore_component("node-02", "mdm").ok());
  REQUIRE(h.converge(30, minutes(1)));
  CHECK(h.passes_without_quorum() == 0);
}

TEST_CASE("reconciler: an intent pending at a restart is resolved from observation first") {
  MdmHarness h;
  three_node_plan(h);
  install_all(h, {"node-01", "node-02", "node-03"});
  auto password_confirmed = [&] {
    const TargetRecord* r = h.journal().find("mdm_quorum", "mdm-task/set-password");
    return r && r->last_action == "confirm_mdm_task" && r->last_code.empty();
  };
  for (int i = 0; i < 30 && !password_confirmed(); ++i) h.pass();
  REQUIRE(password_confirmed());
  REQUIRE(calls(h, "add_standby_mdm") == 0);

  // The process dies right after adding node-02 as a standby, before the outcome is recorded.
  h.executor().crash_after_next_run();
  h.pass();
  REQUIRE(calls(h, "add_standby_mdm") == 1);
  REQUIRE(h.journal().pending("mdm_quorum").size() == 1);

  h.restart();
  PassOutcome out = h.pass();
  CHECK(out.actions_taken == 0);
  CHECK(calls(h, "add_standby_mdm") == 1);
  CHECK(h.journal().pending("mdm_quorum").empty());
  const auto& last = h.executor().events().back();
  REQUIRE(last.has_action_succeeded());
  CHECK(last.action_succeeded().resolved_at_startup());
  CHECK(last.action_succeeded().target() == "mdm/node-02");

  REQUIRE(h.converge(30));
  CHECK(calls(h, "add_standby_mdm") == 2);  // node-02 was not added twice
}

TEST_CASE("reconciler: 3 to 5 and back to 3 nodes as rolling steps, quorum after every pass") {
  MdmHarness h;
  three_node_plan(h);
  h.add_host("node-04", "10.0.0.14", "");
  h.add_host("node-05", "10.0.0.15", "");
  install_all(h, {"node-01", "node-02", "node-03", "node-04", "node-05"});
  REQUIRE(h.converge(40));

  h.set_persona("node-04", "secondary");
  h.set_persona("node-05", "tiebreaker");
  REQUIRE(h.converge(30));
  CHECK(h.world().mdm_cluster()->mode == sim::ClusterMode::kFiveNodes);
  CHECK(calls(h, "switch_cluster_mode") == 2);

  h.set_persona("node-04", "");
  h.set_persona("node-05", "");
  REQUIRE(h.converge(30));
  CHECK(h.world().mdm_cluster()->mode == sim::ClusterMode::kThreeNodes);
  CHECK(calls(h, "switch_cluster_mode") == 3);
  CHECK(calls(h, "remove_standby_mdm") == 2);
  CHECK(h.passes_without_quorum() == 0);
  check_intent_first(h.executor());
}

TEST_CASE("reconciler: a failing one-shot task backs off and is retried") {
  MdmHarness h;
  three_node_plan(h);
  install_all(h, {"node-01", "node-02", "node-03"});
  h.fail_next_task("Error: MDM failed command.  Status: Could not connect to the MDM");
  h.pass();                    // launch
  h.pass();                    // RUNNING
  PassOutcome out = h.pass();  // FAILED -> recorded
  const TargetRecord* r = h.journal().find("mdm_quorum", "mdm-task/create-cluster");
  REQUIRE(r != nullptr);
  CHECK(r->consecutive_failures == 1);
  out = h.pass(seconds(1));
  INFO(drift_text(out));
  CHECK(has_drift(out, "mdm-cluster", "backing off"));
  CHECK(h.driver().launched_tasks().size() == 1);
  REQUIRE(h.converge(40));
  CHECK(h.driver().launched_tasks().size() == 3);  // create twice, set-password once
}

TEST_CASE("reconciler: wakes on its events") {
  MdmHarness h;
  auto& r = h.reconciler();
  Envelope e;
  e.mutable_mdm_cluster_observed();
  CHECK(r.wakes_on(e));
  e.mutable_plan_computed();
  CHECK(r.wakes_on(e));
  e.mutable_gateway_unreachable();
  CHECK(r.wakes_on(e));
  e.mutable_task_status_observed()->set_task_id("scaleio-mdm.create-cluster.n1.000000000001");
  e.mutable_task_status_observed()->set_state("TASK_FAILED");
  CHECK(r.wakes_on(e));
  e.mutable_task_status_observed()->set_task_id("other.task");
  CHECK_FALSE(r.wakes_on(e));
  e.mutable_sds_observed();
  CHECK_FALSE(r.wakes_on(e));
}

}  // namespace
}  // namespace scaleio::reconcilers::testing
