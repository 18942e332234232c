// The pure decision: every safety rule on hand-built states, for 1-, 3- and 5-node clusters.
#include <catch2/catch.hpp>

#include "reconcilers/mdm_quorum/intents.h"
#include "reconcilers/mdm_quorum/quorum.h"
#include "tests/reconcilers/mdm_quorum/decision_fixture.h"

namespace scaleio::reconcilers::testing {
namespace {

using Kind = mdm::Step::Kind;
using std::chrono::minutes;

// n1 primary, n2 secondary, n3 tiebreaker.
void three_hosts(DecisionFixture& f) {
  f.host("n1", "primary");
  f.host("n2", "secondary");
  f.host("n3", "tiebreaker");
}

// The converged 3-node cluster of three_hosts.
std::vector<MemberSpec> three_members() {
  return {{"m1", "n1", "master"}, {"m2", "n2", "slave"}, {"m3", "n3", "tiebreaker", false}};
}

void five_hosts(DecisionFixture& f) {
  f.host("n1", "primary");
  f.host("n2", "secondary");
  f.host("n3", "secondary");
  f.host("n4", "tiebreaker");
  f.host("n5", "tiebreaker");
}

std::vector<MemberSpec> five_members() {
  return {{"m1", "n1", "master"},
          {"m2", "n2", "slave"},
          {"m3", "n3", "slave"},
          {"m4", "n4", "tiebreaker", false},
          {"m5", "n5", "tiebreaker", false}};
}

std::string step_text(const Decision& d) {
  return d.step
             ? d.step->request.action + " " + d.step->request.target + " " + d.step->request.detail
             : "(no step)";
}

TEST_CASE("decision: an invalid cluster plan takes no action and shows the plan's problem") {
  DecisionFixture f;
  f.host("n1", "primary");
  f.host("n2", "secondary");  // 1+1+0 forms no cluster
  const Decision d = f.decide();
  INFO(drift_text(d));
  CHECK_FALSE(d.step);
  CHECK(has_drift(d, "mdm-cluster", "form no 1-, 3- or 5-node MDM cluster"));
  bool invalid = false;
  for (const auto& item : d.drift) invalid |= item.kind == observed::DriftKind::kInvalidPlan;
  CHECK(invalid);
}

TEST_CASE("decision: bootstrap waits for the primary's node task") {
  DecisionFixture f;
  f.host("n1", "primary", /*node_task=*/false);
  f.host("n2", "secondary");
  f.host("n3", "tiebreaker");
  f.gateway_down("Could not connect to the MDM cluster");
  const Decision d = f.decide();
  INFO(drift_text(d));
  CHECK_FALSE(d.step);
  CHECK(has_drift(d, "mdm-cluster", "waiting for the node task on n1"));
}

TEST_CASE("decision: bootstrap creates the cluster on the primary with a one-shot task") {
  for (const int size : {1, 3, 5}) {
    DYNAMIC_SECTION("size " << size) {
      DecisionFixture f;
      if (size == 1) f.host("n1", "primary");
      if (size == 3) three_hosts(f);
      if (size == 5) five_hosts(f);
      f.gateway_down("Could not connect to the MDM cluster");
      const Decision d = f.decide();
      REQUIRE(d.step);
      CHECK(d.step->kind == Kind::kLaunchTask);
      CHECK(d.step->request.action == "launch_create_cluster");
      CHECK(d.step->task.host == "n1");
      CHECK(d.step->task.agent_id == "agent-n1");
      CHECK(d.step->task.arguments == std::vector<std::string>{"./scaleio-node", "mdm",
                                                               "create-cluster", "--master-ip",
                                                               f.ip("n1"), "--master-name", "n1"});
      CHECK(d.step->request.idempotency_key == d.step->task.task_id);
    }
  }
}

TEST_CASE("decision: a running create task is waited for, a finished one waits for the gateway") {
  DecisionFixture f;
  three_hosts(f);
  f.gateway_down("Could not connect to the MDM cluster");
  const std::string id = mdm::task_id_for("create-cluster", "n1", 5);
  f.task(id, "n1", "TASK_RUNNING");
  Decision d = f.decide();
  CHECK_FALSE(d.step);
  CHECK(has_drift(d, "mdm-cluster", "is TASK_RUNNING"));

  f.task(id, "n1", "TASK_FINISHED");
  d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kConfirmTask);
  f.succeeded("confirm_mdm_task", "mdm-task/create-cluster", minutes(0), id);
  d = f.decide();
  CHECK_FALSE(d.step);  // never created twice
  CHECK(has_drift(d, "mdm-cluster", "waiting for the gateway to report the cluster"));
}

TEST_CASE("decision: a failed create task is recorded, then retried after its backoff") {
  DecisionFixture f;
  three_hosts(f);
  f.gateway_down("Could not connect to the MDM cluster");
  const std::string id = mdm::task_id_for("create-cluster", "n1", 5);
  f.task(id, "n1", "TASK_FAILED");
  Decision d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kConfirmTask);
  CHECK(d.step->task_state == "TASK_FAILED");

  events::Envelope failed;
  auto* o = failed.mutable_action_failed();
  o->set_reconciler("mdm_quorum");
  o->set_action("confirm_mdm_task");
  o->set_target("mdm-task/create-cluster");
  o->set_code("FAILED_PRECONDITION");
  o->set_attempt(1);
  o->set_next_attempt_unix_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(f.now.time_since_epoch()).count() +
      30'000);
  f.journal(failed);
  d = f.decide();
  CHECK_FALSE(d.step);
  CHECK(has_drift(d, "mdm-cluster", "backing off"));
  f.now += std::chrono::seconds(31);
  d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->request.action == "launch_create_cluster");
}

TEST_CASE("decision: the admin password is set from the secret file after creating") {
  DecisionFixture f;
  three_hosts(f);
  const std::string id = mdm::task_id_for("create-cluster", "n1", 1);
  f.task(id, "n1", "TASK_FINISHED");
  f.succeeded("confirm_mdm_task", "mdm-task/create-cluster", minutes(0), id);
  f.cluster("OneNode", {{"m1", "n1", "master"}});
  const Decision d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->request.action == "launch_set_password");
  CHECK(d.step->task.arguments ==
        std::vector<std::string>{"./scaleio-node", "mdm", "set-password"});
  CHECK(d.step->task.needs_admin_password);
  const auto launch = mdm::to_launch(d.step->task, f.settings);
  REQUIRE(launch.environment.size() == 1);
  CHECK(launch.environment[0] == std::pair<std::string, std::string>{
                                     "SCALEIO_ADMIN_PASSWORD_FILE", "/etc/scaleio/admin-password"});
}

TEST_CASE("decision: standbys one per pass, then one switch to the planned mode") {
  DecisionFixture f;
  three_hosts(f);
  f.cluster("OneNode", {{"m1", "n1", "master"}});
  Decision d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kAddStandby);
  CHECK(d.step->standby.ips == std::vector<std::string>{f.ip("n2")});
  CHECK(d.step->standby.role == "Manager");

  f.cluster("OneNode", {{"m1", "n1", "master"}, {"m2", "n2", "standby"}});
  d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kAddStandby);
  CHECK(d.step->standby.role == "TieBreaker");

  f.cluster("OneNode",
            {{"m1", "n1", "master"}, {"m2", "n2", "standby"}, {"m3", "n3", "standby", false}});
  d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kSwitchMode);
  CHECK(d.step->change.mode == "ThreeNodes");
  CHECK(d.step->change.add_slaves == std::vector<std::string>{"m2"});
  CHECK(d.step->change.add_tie_breakers == std::vector<std::string>{"m3"});

  f.cluster("ThreeNodes", three_members());
  d = f.decide();
  INFO(drift_text(d));
  CHECK_FALSE(d.step);
  CHECK(d.drift.empty());
}

TEST_CASE("decision: a standby waits for its host's node task") {
  DecisionFixture f;
  f.host("n1", "primary");
  f.host("n2", "secondary", /*node_task=*/false);
  f.host("n3", "tiebreaker");
  f.cluster("OneNode", {{"m1", "n1", "master"}});
  const Decision d = f.decide();
  REQUIRE(d.step);  // n3 goes ahead
  CHECK(d.step->standby.role == "TieBreaker");
  CHECK(has_drift(d, "mdm/n2", "waiting for the node task on n2"));
}

// n2 (a slave) lost; the operator gave its persona to n4, already a Normal standby.
void three_with_lost_slave(DecisionFixture& f) {
  three_hosts(f);
  f.host("n4", "");
  f.persona("n2", "");
  f.persona("n4", "secondary");
  auto members = three_members();
  members[1].healthy = false;
  members.push_back({"m4", "n4", "standby"});
  f.cluster("ThreeNodes", members);
}

TEST_CASE("decision: a member lost shorter than the timeout is not replaced yet") {
  DecisionFixture f;
  three_with_lost_slave(f);
  f.down_for("m2", minutes(9));
  const Decision d = f.decide();
  INFO(drift_text(d));
  INFO(step_text(d));
  CHECK_FALSE(d.step);
  CHECK(has_drift(d, "mdm/n2", "replaced by a planned spare after 10m"));
  REQUIRE(d.requeue_after);
  CHECK(*d.requeue_after == minutes(1));
}

TEST_CASE("decision: a member lost longer than the timeout is swapped for the planned spare") {
  DecisionFixture f;
  three_with_lost_slave(f);
  f.down_for("m2", minutes(10));
  const Decision d = f.decide();
  INFO(drift_text(d));
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kSwitchMode);
  CHECK(d.step->change.mode == "ThreeNodes");
  CHECK(d.step->change.remove_slaves == std::vector<std::string>{"m2"});
  CHECK(d.step->change.add_slaves == std::vector<std::string>{"m4"});
  CHECK(d.step->change.add_tie_breakers.empty());
  CHECK(d.step->change.remove_tie_breakers.empty());
}

TEST_CASE("decision: member-loss timeout 0 never replaces") {
  DecisionFixture f;
  f.settings.member_loss_timeout = Clock::Duration::zero();
  three_with_lost_slave(f);
  f.down_for("m2", std::chrono::hours(24 * 30));
  const Decision d = f.decide();
  CHECK_FALSE(d.step);
  CHECK(has_drift(d, "mdm/n2", "automatic replacement is off"));
}

TEST_CASE("decision: without a planned spare a lost member stays, and drift says why") {
  SECTION("still planned") {
    DecisionFixture f;
    three_hosts(f);
    auto members = three_members();
    members[1].healthy = false;
    f.cluster("ThreeNodes", members);
    f.down_for("m2", minutes(30));
    const Decision d = f.decide();
    INFO(drift_text(d));
    CHECK_FALSE(d.step);
    CHECK(has_drift(d, "mdm/n2", "still planned"));
  }
  SECTION("persona moved to a host whose node task does not run") {
    DecisionFixture f;
    three_hosts(f);
    f.host("n4", "", /*node_task=*/false);
    f.persona("n2", "");
    f.persona("n4", "secondary");
    auto members = three_members();
    members[1].healthy = false;
    f.cluster("ThreeNodes", members);
    f.down_for("m2", minutes(30));
    const Decision d = f.decide();
    INFO(drift_text(d));
    CHECK_FALSE(d.step);
    CHECK(has_drift(d, "mdm/n4", "waiting for the node task on n4"));
    CHECK(has_drift(d, "mdm/n2", "no planned spare is ready"));
  }
  SECTION("a data host is no spare") {
    DecisionFixture f;
    three_hosts(f);
    f.host("n4", "");
    auto members = three_members();
    members[1].healthy = false;
    members.push_back({"m4", "n4", "standby"});
    f.cluster("ThreeNodes", members);
    f.down_for("m2", minutes(30));
    const Decision d = f.decide();
    REQUIRE(d.step);  // the stray standby goes; n2 is not replaced by it
    CHECK(d.step->kind == Kind::kRemoveStandby);
    CHECK(d.step->member_id == "m4");
  }
}

TEST_CASE(
    "decision: never below quorum (a healthy member of a 3-node cluster with one down stays)") {
  // n2 is down (still planned); the operator moved n3's tie-breaker persona to n4. Swapping n3
  // for n4 would leave n1 alone with the lost n2 while the switch applies: refused.
  DecisionFixture f;
  three_hosts(f);
  f.host("n4", "");
  f.persona("n3", "");
  f.persona("n4", "tiebreaker");
  auto members = three_members();
  members[1].healthy = false;
  members.push_back({"m4", "n4", "standby", false});
  f.cluster("ThreeNodes", members);
  f.down_for("m2", minutes(30));
  const Decision d = f.decide();
  INFO(drift_text(d));
  CHECK_FALSE(d.step);
  CHECK(has_drift(d, "mdm-cluster", "refused switch ThreeNodes -tb n3 +tb n4"));
  CHECK(has_drift(d, "mdm-cluster", "below a quorum of 2"));
}

TEST_CASE("decision: quorum arithmetic on the switch itself") {
  DecisionFixture f;
  three_hosts(f);
  f.host("n4", "secondary");
  auto members = three_members();
  members[1].healthy = false;
  members.push_back({"m4", "n4", "standby", true, false});
  f.cluster("ThreeNodes", members);
  // Build the membership the decision sees and ask the quorum check directly.
  events::MdmClusterObserved c;
  c.set_exists(true);
  c.set_mode("ThreeNodes");
  for (const auto& m : members) {
    auto* o = c.add_members();
    o->set_id(m.id);
    o->add_ips(f.ip(m.host));
    o->set_role(m.role);
    o->set_manager(m.manager);
    o->set_status(m.healthy ? "Normal" : "Disconnected");
  }
  const mdm::Membership membership = mdm::Membership::build(f.plan, c);
  auto member = [&](const std::string& id) -> const mdm::Member* {
    for (const auto& m : membership.members) {
      if (m.id == id) return &m;
    }
    return nullptr;
  };
  mdm::ModeSwitch swap_lost{"ThreeNodes", {member("m2")}, {}, {member("m4")}, {}};
  CHECK(mdm::quorum_refusal(membership, swap_lost));  // the new member is not Normal
  mdm::ModeSwitch remove_healthy{"OneNode", {}, {member("m3")}, {}, {}};
  CHECK(mdm::quorum_refusal(membership, remove_healthy));
  mdm::ModeSwitch shrink{"OneNode", {member("m2")}, {member("m3")}, {}, {}};
  CHECK_FALSE(mdm::quorum_refusal(membership, shrink));  // n1 alone, good: 1 of 1
}

TEST_CASE("decision: a lost tie-breaker is replaced in a 5-node cluster") {
  DecisionFixture f;
  five_hosts(f);
  f.host("n6", "");
  f.persona("n5", "");
  f.persona("n6", "tiebreaker");
  auto members = five_members();
  members[4].healthy = false;
  members.push_back({"m6", "n6", "standby", false});
  f.cluster("FiveNodes", members);
  f.down_for("m5", minutes(11));
  const Decision d = f.decide();
  INFO(drift_text(d));
  REQUIRE(d.step);
  CHECK(d.step->change.mode == "FiveNodes");
  CHECK(d.step->change.remove_tie_breakers == std::vector<std::string>{"m5"});
  CHECK(d.step->change.add_tie_breakers == std::vector<std::string>{"m6"});
}

TEST_CASE("decision: in a 5-node cluster one replacement per switch") {
  DecisionFixture f;
  five_hosts(f);
  f.host("n6", "");
  f.host("n7", "");
  f.persona("n2", "");
  f.persona("n4", "");
  f.persona("n6", "secondary");
  f.persona("n7", "tiebreaker");
  auto members = five_members();
  members[1].healthy = false;  // n2
  members[3].healthy = false;  // n4
  members.push_back({"m6", "n6", "standby"});
  members.push_back({"m7", "n7", "standby", false});
  f.cluster("FiveNodes", members);
  f.down_for("m2", minutes(20));
  f.down_for("m4", minutes(20));
  const Decision d = f.decide();
  INFO(drift_text(d));
  REQUIRE(d.step);
  CHECK(d.step->change.remove_slaves.size() + d.step->change.remove_tie_breakers.size() == 1);
  CHECK(d.step->change.add_slaves.size() + d.step->change.add_tie_breakers.size() == 1);
}

TEST_CASE("decision: 3 to 5 nodes as rolling steps") {
  DecisionFixture f;
  five_hosts(f);
  // The cluster is the 3-node one of n1, n2, n4.
  f.cluster("ThreeNodes",
            {{"m1", "n1", "master"}, {"m2", "n2", "slave"}, {"m4", "n4", "tiebreaker", false}});
  Decision d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kAddStandby);
  CHECK(d.step->request.target == "mdm/n3");
  f.cluster("ThreeNodes", {{"m1", "n1", "master"},
                           {"m2", "n2", "slave"},
                           {"m4", "n4", "tiebreaker", false},
                           {"m3", "n3", "standby"}});
  d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->request.target == "mdm/n5");
  f.cluster("ThreeNodes", {{"m1", "n1", "master"},
                           {"m2", "n2", "slave"},
                           {"m4", "n4", "tiebreaker", false},
                           {"m3", "n3", "standby"},
                           {"m5", "n5", "standby", false}});
  d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->change.mode == "FiveNodes");
  CHECK(d.step->change.add_slaves == std::vector<std::string>{"m3"});
  CHECK(d.step->change.add_tie_breakers == std::vector<std::string>{"m5"});
}

TEST_CASE("decision: 5 to 3 nodes as rolling steps") {
  DecisionFixture f;
  five_hosts(f);
  f.persona("n3", "");
  f.persona("n5", "");
  f.cluster("FiveNodes", five_members());
  Decision d = f.decide();
  INFO(drift_text(d));
  REQUIRE(d.step);
  CHECK(d.step->change.mode == "ThreeNodes");
  CHECK(d.step->change.remove_slaves == std::vector<std::string>{"m3"});
  CHECK(d.step->change.remove_tie_breakers == std::vector<std::string>{"m5"});
  f.cluster("ThreeNodes", {{"m1", "n1", "master"},
                           {"m2", "n2", "slave"},
                           {"m4", "n4", "tiebreaker", false},
                           {"m3", "n3", "standby"},
                           {"m5", "n5", "standby", false}});
  d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kRemoveStandby);
  CHECK(d.step->member_id == "m3");
}

TEST_CASE("decision: a 1-node cluster as planned needs nothing") {
  DecisionFixture f;
  f.host("n1", "primary");
  f.cluster("OneNode", {{"m1", "n1", "master"}});
  const Decision d = f.decide();
  INFO(drift_text(d));
  CHECK_FALSE(d.step);
  CHECK(d.drift.empty());
}

TEST_CASE("decision: an unplanned master is reported and never switched out") {
  DecisionFixture f;
  three_hosts(f);
  f.host("n4", "");
  f.persona("n1", "");
  f.persona("n4", "primary");
  f.cluster("ThreeNodes", three_members());
  const Decision d = f.decide();
  INFO(drift_text(d));
  REQUIRE(d.step);  // n4 is added as a standby, nothing else
  CHECK(d.step->kind == Kind::kAddStandby);
  CHECK(has_drift(d, "mdm/n1", "master not in the plan"));
}

TEST_CASE("decision: adopt mode only reports") {
  DecisionFixture f;
  three_hosts(f);
  f.host("n4", "");
  f.adopt({"10.0.0.11", "10.0.0.99"});
  SECTION("not observed yet: nothing is created") {
    f.gateway_down("Could not connect to the MDM cluster");
    const Decision d = f.decide();
    CHECK_FALSE(d.step);
    CHECK(has_drift(d, "mdm-cluster", "adopting the MDM cluster at 10.0.0.11,10.0.0.99"));
  }
  SECTION("differences are drift, never actions") {
    f.cluster("ThreeNodes", {{"m1", "n1", "master"},
                             {"m4", "n4", "slave", true, false},
                             {"m3", "n3", "tiebreaker", false}});
    f.down_for("m4", std::chrono::hours(5));
    const Decision d = f.decide();
    INFO(drift_text(d));
    CHECK_FALSE(d.step);
    CHECK(has_drift(d, "mdm-cluster", "--mdm-ips names 10.0.0.99"));
    CHECK(has_drift(d, "mdm/n2", "not a member of the adopted cluster"));
    CHECK(has_drift(d, "mdm/n4", "adopt mode: not replaced"));
  }
}

TEST_CASE("decision: pending intents are resolved from observation before anything else") {
  DecisionFixture f;
  three_hosts(f);
  f.cluster("OneNode", {{"m1", "n1", "master"}, {"m2", "n2", "standby"}});
  f.pending("add_standby_mdm", "mdm/n2", mdm::add_standby_key(f.ip("n2"), "Manager"));
  f.pending("switch_cluster_mode", "mdm-cluster",
            mdm::switch_key({"ThreeNodes", {"m2"}, {"m3"}, {}, {}}));
  Decision d = f.decide();
  CHECK_FALSE(d.step);
  REQUIRE(d.resolutions.size() == 2);
  CHECK(d.resolutions[0].intent.action() == "add_standby_mdm");
  CHECK(d.resolutions[0].done);
  CHECK(d.resolutions[0].result == "m2");
  CHECK(d.resolutions[1].intent.action() == "switch_cluster_mode");
  CHECK_FALSE(d.resolutions[1].done);

  SECTION("a stale view cannot tell: nothing is done") {
    f.gateway_down("timeout");
    d = f.decide();
    CHECK_FALSE(d.step);
    CHECK(d.resolutions.empty());
    CHECK(has_drift(d, "mdm/n2", "in flight at a restart"));
  }
}

TEST_CASE("decision: a launch intent is done when Mesos knows the task") {
  DecisionFixture f;
  three_hosts(f);
  f.gateway_down("Could not connect to the MDM cluster");
  const std::string known = mdm::task_id_for("create-cluster", "n1", 3);
  f.pending("launch_create_cluster", "mdm-cluster", known);
  f.task(known, "n1", "TASK_STAGING");
  Decision d = f.decide();
  REQUIRE(d.resolutions.size() == 1);
  CHECK(d.resolutions[0].done);
}

TEST_CASE("decision: a standby that does not join within the join timeout is rolled back") {
  DecisionFixture f;
  three_hosts(f);
  f.cluster("OneNode", {{"m1", "n1", "master"}, {"m2", "n2", "standby", true, false}});
  SECTION("within the timeout: wait") {
    f.succeeded("add_standby_mdm", "mdm/n2", minutes(2));
    const Decision d = f.decide();
    INFO(drift_text(d));
    CHECK((!d.step || d.step->kind != Kind::kRollbackJoin));
    CHECK(has_drift(d, "mdm/n2", "rolled back unless Normal within 3m"));
  }
  SECTION("past it: remove it again") {
    f.succeeded("add_standby_mdm", "mdm/n2", minutes(6));
    const Decision d = f.decide();
    REQUIRE(d.step);
    CHECK(d.step->kind == Kind::kRollbackJoin);
    CHECK(d.step->member_id == "m2");
    CHECK(d.step->request.target == "mdm/n2");
  }
}

TEST_CASE("decision: a standby that never appears is recorded as a failed join") {
  DecisionFixture f;
  three_hosts(f);
  f.cluster("OneNode", {{"m1", "n1", "master"}});
  f.succeeded("add_standby_mdm", "mdm/n2", minutes(6));
  const Decision d = f.decide();
  REQUIRE(d.step);
  CHECK(d.step->kind == Kind::kRollbackJoin);
  CHECK(d.step->member_id.empty());
}

TEST_CASE("decision: a stale gateway view makes no membership change") {
  DecisionFixture f;
  three_with_lost_slave(f);
  f.down_for("m2", minutes(30));
  f.gateway_down("connection refused");
  const Decision d = f.decide();
  CHECK_FALSE(d.step);
  CHECK(has_drift(d, "mdm-cluster", "the gateway is unreachable"));
}

}  // namespace
}  // namespace scaleio::reconcilers::testing
