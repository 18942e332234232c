// Task lifecycles, status updates and acknowledgements, KILL and RECONCILE.
#include <catch2/catch.hpp>

#include "scheduler_helper.h"

using namespace scaleio::sim;
using namespace scaleio::sim::test;

TEST_CASE("install: STARTING then RUNNING after the install delay, from the executor with uuids",
          "[mesos][tasks]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  scheduler.launch("node-01", "install-1",
                   {"install", "--roles", "mdm,sds,sdc", "--mdm-ips", "10.0.0.11", "--version",
                    "2.0", "--package-source", "http://repo"});
  CHECK(world_task(sim, "install-1")["state"] == "TASK_STAGING");
  sim.advance(std::chrono::seconds(1));
  auto starting = scheduler.update();
  REQUIRE(starting.is_object());
  CHECK(starting["state"] == "TASK_STARTING");
  CHECK(starting["source"] == "SOURCE_EXECUTOR");
  CHECK(starting.contains("uuid"));
  scheduler.ack(starting);
  sim.advance(std::chrono::seconds(19));
  CHECK(scheduler.update(std::chrono::milliseconds(100)).is_null());
  sim.advance(std::chrono::seconds(2));
  auto running = scheduler.update();
  REQUIRE(running.is_object());
  CHECK(running["state"] == "TASK_RUNNING");
  scheduler.ack(running);
  // It stays RUNNING, and the ScaleIO side now has the node's packages.
  sim.advance(std::chrono::minutes(5));
  auto task = world_task(sim, "install-1");
  CHECK(task["state"] == "TASK_RUNNING");
  CHECK(task["unacknowledged_updates"] == 0);
  bool installed = false;
  const nlohmann::json world_now = sim.world();
  for (const auto& node : world_now["scaleio"]["nodes"]) {
    if (node["hostname"] == "node-01") installed = true;
  }
  CHECK(installed);
}

TEST_CASE("an un-acknowledged update is resent with backoff and blocks the task's later updates",
          "[mesos][tasks][ack]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  scheduler.launch("node-02", "t", {"install", "--roles", "sds"});
  sim.advance(std::chrono::seconds(1));
  auto starting = scheduler.update();
  REQUIRE(starting["state"] == "TASK_STARTING");
  // Not acknowledged: after the install delay the task is RUNNING on the agent, but the scheduler
  // only sees STARTING again (same uuid) when the agent retries.
  sim.advance(std::chrono::seconds(9));
  CHECK(scheduler.update(std::chrono::milliseconds(100)).is_null());
  sim.advance(std::chrono::seconds(2));
  auto resent = scheduler.update();
  REQUIRE(resent.is_object());
  CHECK(resent["state"] == "TASK_STARTING");
  CHECK(resent["uuid"] == starting["uuid"]);
  sim.advance(std::chrono::seconds(12));
  auto task = world_task(sim, "t");
  CHECK(task["state"] == "TASK_RUNNING");  // the master knows the latest state...
  CHECK(task["unacknowledged_updates"] == 2);
  // ...but the stream of updates is blocked until STARTING is acknowledged. The retry doubles:
  // the next resend is 20 s after the previous one.
  auto next = scheduler.update(std::chrono::milliseconds(100));
  CHECK(next.is_null());
  sim.advance(std::chrono::seconds(10));
  auto again = scheduler.update();
  REQUIRE(again.is_object());
  CHECK(again["state"] == "TASK_STARTING");
  scheduler.ack(again);
  auto running = scheduler.update();
  REQUIRE(running.is_object());
  CHECK(running["state"] == "TASK_RUNNING");
}

TEST_CASE("the resend backoff is the agent's 10 s however fast simulated work runs",
          "[mesos][tasks][ack]") {
  SimulatorOptions options = test_options();
  options.time_scale = 50;  // install 20 s -> 0.4 s; a scaled retry would resend after 0.2 s
  SimHarness sim(options);
  Scheduler scheduler(sim);
  scheduler.launch("node-02", "t", {"install", "--roles", "sds"});
  sim.advance(std::chrono::milliseconds(100));
  auto starting = scheduler.update();
  REQUIRE(starting.is_object());
  REQUIRE(starting["state"] == "TASK_STARTING");
  // Not acknowledged: the install finishes, but no copy of STARTING comes before 10 s.
  for (int i = 0; i < 9; ++i) {
    sim.advance(std::chrono::seconds(1));
    CHECK(scheduler.update(std::chrono::milliseconds(50)).is_null());
  }
  sim.advance(std::chrono::milliseconds(1100));
  auto resent = scheduler.update();
  REQUIRE(resent.is_object());
  CHECK(resent["state"] == "TASK_STARTING");
  CHECK(resent["uuid"] == starting["uuid"]);
  // Acknowledged: RUNNING (ready on the agent for seconds) follows at once.
  scheduler.ack(resent);
  auto running = scheduler.update();
  REQUIRE(running.is_object());
  CHECK(running["state"] == "TASK_RUNNING");
}

TEST_CASE("ACKNOWLEDGE with a uuid that is not 16 bytes is 400", "[mesos][tasks][ack]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  scheduler.launch("node-01", "t", {"install", "--roles", "sds"});
  sim.advance(std::chrono::seconds(1));
  auto starting = scheduler.update();
  REQUIRE(starting.is_object());
  CHECK(scheduler.call(simple_call("ACKNOWLEDGE", scheduler.id(), "acknowledge",
                                   {{"agent_id", starting["agent_id"]},
                                    {"task_id", starting["task_id"]},
                                    {"uuid", "YWJj"}})) == 400);
  CHECK(scheduler.call(simple_call("ACKNOWLEDGE", scheduler.id(), "acknowledge",
                                   {{"agent_id", starting["agent_id"]},
                                    {"task_id", starting["task_id"]},
                                    {"uuid", "!!not base64!!"}})) == 400);
  scheduler.ack(starting);
  CHECK(world_task(sim, "t")["unacknowledged_updates"] == 0);
}

TEST_CASE("RECONCILE implicit: one update per known task, from the master, no uuid",
          "[mesos][tasks][reconcile]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  scheduler.launch("node-01", "a", {"install", "--roles", "sds"});
  scheduler.launch("node-02", "b", {"install", "--roles", "sds"});
  REQUIRE(scheduler.until_state("a", "TASK_RUNNING").is_object());
  // Drain (and acknowledge) the agents' own updates so only reconciliation answers remain.
  for (int i = 0; i < 20; ++i) {
    auto status = scheduler.update(std::chrono::milliseconds(100));
    if (status.is_null()) break;
    if (status.contains("uuid")) scheduler.ack(status);
  }
  REQUIRE(world_task(sim, "b")["state"] == "TASK_RUNNING");
  REQUIRE(scheduler.call(simple_call("RECONCILE", scheduler.id(), "reconcile",
                                     {{"tasks", nlohmann::json::array()}})) == 202);
  std::set<std::string> answered;
  for (int i = 0; i < 2; ++i) {
    auto status = scheduler.update();
    REQUIRE(status.is_object());
    CHECK(status["reason"] == "REASON_RECONCILIATION");
    CHECK(status["source"] == "SOURCE_MASTER");
    CHECK(!status.contains("uuid"));
    CHECK(status["state"] == "TASK_RUNNING");
    answered.insert(status["task_id"]["value"].get<std::string>());
  }
  CHECK(answered == std::set<std::string>{"a", "b"});
}

TEST_CASE("RECONCILE explicit: unknown tasks are LOST, or UNKNOWN/GONE when partition-aware",
          "[mesos][tasks][reconcile]") {
  SimHarness sim;
  SECTION("not partition-aware") {
    Scheduler scheduler(sim, false);
    REQUIRE(scheduler.call(simple_call("RECONCILE", scheduler.id(), "reconcile",
                                       {{"tasks", {{{"task_id", {{"value", "ghost"}}}}}}})) == 202);
    auto status = scheduler.update();
    REQUIRE(status.is_object());
    CHECK(status["state"] == "TASK_LOST");
    CHECK(status["reason"] == "REASON_RECONCILIATION");
    CHECK(!status.contains("uuid"));
  }
  SECTION("partition-aware") {
    Scheduler scheduler(sim, true);
    const auto agent_id = scheduler.offer_on("node-01")["agent_id"];
    REQUIRE(scheduler.call(simple_call(
                "RECONCILE", scheduler.id(), "reconcile",
                {{"tasks",
                  {{{"task_id", {{"value", "ghost"}}}},
                   {{"task_id", {{"value", "ghost2"}}}, {"agent_id", agent_id}}}}})) == 202);
    auto first = scheduler.update();
    auto second = scheduler.update();
    REQUIRE(first.is_object());
    REQUIRE(second.is_object());
    CHECK(first["state"] == "TASK_UNKNOWN");
    CHECK(second["state"] == "TASK_GONE");
  }
}

TEST_CASE("KILL: a running task is KILLED - an unknown task gets the reconciliation answer",
          "[mesos][tasks][kill]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  scheduler.launch("node-01", "k", {"install", "--roles", "sds"});
  REQUIRE(scheduler.until_state("k", "TASK_RUNNING").is_object());
  REQUIRE(scheduler.call(
              simple_call("KILL", scheduler.id(), "kill", {{"task_id", {{"value", "k"}}}})) == 202);
  auto killed = scheduler.update();
  REQUIRE(killed.is_object());
  CHECK(killed["state"] == "TASK_KILLED");
  CHECK(killed.contains("uuid"));
  scheduler.ack(killed);
  CHECK(world_task(sim, "k").is_null());  // terminal and acknowledged: forgotten

  REQUIRE(scheduler.call(simple_call("KILL", scheduler.id(), "kill",
                                     {{"task_id", {{"value", "nobody"}}}})) == 202);
  auto lost = scheduler.update();
  REQUIRE(lost.is_object());
  CHECK(lost["task_id"]["value"] == "nobody");
  CHECK(lost["state"] == "TASK_LOST");
  CHECK(lost["reason"] == "REASON_RECONCILIATION");
}

TEST_CASE("unknown scaleio-node commands fail the task with a clear message", "[mesos][tasks]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  scheduler.launch("node-01", "bad", {"frobnicate", "--now"});
  auto failed = scheduler.until_state("bad", "TASK_FAILED");
  REQUIRE(failed.is_object());
  CHECK(failed["message"] == "unknown scaleio-node command: frobnicate --now");
}

TEST_CASE("mdm one-shot verbs: FAILED with scli's error text, FINISHED once MDM is installed",
          "[mesos][tasks][mdm]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  // node-02 has SDS but no MDM package: scli cannot talk to an MDM there.
  scheduler.launch("node-02", "install-2", {"install", "--roles", "sds"});
  REQUIRE(scheduler.until_state("install-2", "TASK_RUNNING").is_object());
  scheduler.launch("node-02", "create-1",
                   {"mdm", "create-cluster", "--master-ip", "10.0.0.12", "--master-name", "m2"},
                   0.1);
  auto failed = scheduler.until_state("create-1", "TASK_FAILED");
  REQUIRE(failed.is_object());
  INFO("message: " << failed["message"]);
  CHECK(failed["message"].get<std::string>().rfind("Error: MDM failed command.  Status: ", 0) == 0);

  scheduler.launch("node-01", "install-1",
                   {"install", "--roles", "mdm,sds,sdc", "--mdm-ips", "10.0.0.11"});
  REQUIRE(scheduler.until_state("install-1", "TASK_RUNNING").is_object());
  scheduler.launch("node-01", "create-2",
                   {"mdm", "create-cluster", "--master-ip", "10.0.0.11", "--master-name", "m1"},
                   0.1);
  auto finished = scheduler.until_state("create-2", "TASK_FINISHED");
  REQUIRE(finished.is_object());
  CHECK(sim.world()["scaleio"]["mdmClusterAvailable"] == true);
}
