// Agent faults from the control API and what schedulers see of them.
#include <catch2/catch.hpp>

#include "scheduler_helper.h"

using namespace scaleio::sim;
using namespace scaleio::sim::test;

namespace {

nlohmann::json world_agent(SimHarness& sim, const std::string& hostname) {
  const nlohmann::json world_now = sim.world();
  for (const auto& a : world_now["agents"]) {
    if (a["hostname"] == hostname) return a;
  }
  return nullptr;
}

int control_post(SimHarness& sim, const std::string& path, const std::string& body = "") {
  auto response = http_request(sim.control(), "POST", path, body, {});
  REQUIRE(response);
  return response->status;
}

}  // namespace

TEST_CASE(
    "stopping an agent: partition-aware tasks become UNREACHABLE; restarted it has a new id "
    "and the tasks are GONE",
    "[agents][faults]") {
  SimHarness sim;
  Scheduler scheduler(sim, /*partition_aware=*/true);
  scheduler.launch("node-02", "t", {"install", "--roles", "sds"});
  REQUIRE(scheduler.until_state("t", "TASK_RUNNING").is_object());
  const std::string old_id = world_agent(sim, "node-02")["agent_id"];

  REQUIRE(control_post(sim, "/agents/node-02/stop") == 200);
  auto unreachable = scheduler.update();
  REQUIRE(unreachable.is_object());
  CHECK(unreachable["state"] == "TASK_UNREACHABLE");
  CHECK(unreachable["reason"] == "REASON_AGENT_REMOVED");
  CHECK(!unreachable.contains("uuid"));
  CHECK(world_agent(sim, "node-02")["state"] == "down");
  // Explicit reconciliation agrees.
  REQUIRE(scheduler.call(simple_call("RECONCILE", scheduler.id(), "reconcile",
                                     {{"tasks", {{{"task_id", {{"value", "t"}}}}}}})) == 202);
  CHECK(scheduler.update()["state"] == "TASK_UNREACHABLE");
  // A task the master never heard of, on that unreachable agent: UNREACHABLE too.
  REQUIRE(
      scheduler.call(simple_call(
          "RECONCILE", scheduler.id(), "reconcile",
          {{"tasks", {{{"task_id", {{"value", "ghost"}}}, {"agent_id", {{"value", old_id}}}}}}})) ==
      202);
  CHECK(scheduler.update()["state"] == "TASK_UNREACHABLE");
  CHECK(control_post(sim, "/agents/node-02/stop") == 409);

  REQUIRE(control_post(sim, "/agents/node-02/start") == 200);
  auto gone = scheduler.update();
  REQUIRE(gone.is_object());
  CHECK(gone["state"] == "TASK_GONE");
  const auto agent = world_agent(sim, "node-02");
  CHECK(agent["state"] == "up");
  CHECK(agent["agent_id"] != old_id);
  CHECK(world_task(sim, "t").is_null());
  // Reconciling the old task on the old agent id: gone.
  REQUIRE(scheduler.call(simple_call(
              "RECONCILE", scheduler.id(), "reconcile",
              {{"tasks", {{{"task_id", {{"value", "t"}}}, {"agent_id", {{"value", old_id}}}}}}})) ==
          202);
  CHECK(scheduler.update()["state"] == "TASK_GONE");
}

TEST_CASE("stopping an agent: tasks of a non-partition-aware framework become LOST",
          "[agents][faults]") {
  SimHarness sim;
  Scheduler scheduler(sim, /*partition_aware=*/false);
  scheduler.launch("node-03", "t", {"install", "--roles", "sdc"});
  REQUIRE(scheduler.until_state("t", "TASK_RUNNING").is_object());
  REQUIRE(control_post(sim, "/agents/node-03/stop") == 200);
  auto lost = scheduler.update();
  REQUIRE(lost.is_object());
  CHECK(lost["state"] == "TASK_LOST");
  auto failure = scheduler.subscription.next_of_type("FAILURE", std::chrono::milliseconds(200));
  (void)failure;
}

TEST_CASE("a partitioned agent keeps its id - when it heals LOST tasks come back RUNNING",
          "[agents][faults]") {
  SimHarness sim;
  Scheduler scheduler(sim, /*partition_aware=*/false);
  scheduler.launch("node-01", "t", {"install", "--roles", "sds"});
  REQUIRE(scheduler.until_state("t", "TASK_RUNNING").is_object());
  const std::string id = world_agent(sim, "node-01")["agent_id"];
  REQUIRE(control_post(sim, "/agents/node-01/partition") == 200);
  CHECK(scheduler.update()["state"] == "TASK_LOST");
  CHECK(world_agent(sim, "node-01")["state"] == "partitioned");
  bool down_in_scaleio = false;
  const nlohmann::json world_now = sim.world();
  for (const auto& node : world_now["scaleio"]["nodes"]) {
    if (node["hostname"] == "node-01") down_in_scaleio = node["up"] == false;
  }
  CHECK(down_in_scaleio);

  REQUIRE(control_post(sim, "/agents/node-01/start") == 200);
  auto back = scheduler.update();
  REQUIRE(back.is_object());
  CHECK(back["state"] == "TASK_RUNNING");
  CHECK(world_agent(sim, "node-01")["agent_id"] == id);
  CHECK(world_task(sim, "t")["state"] == "TASK_RUNNING");
}

TEST_CASE("new attributes: the agent re-registers under a new id and offers show them",
          "[agents][faults]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  const std::string old_id = world_agent(sim, "node-03")["agent_id"];
  REQUIRE(control_post(sim, "/agents/node-03/attributes",
                       R"({"attributes":"scaleio-persona:data;rack:r9"})") == 200);
  auto rescind = scheduler.subscription.next_of_type("RESCIND");
  REQUIRE(rescind.is_object());
  const auto agent = world_agent(sim, "node-03");
  CHECK(agent["agent_id"] != old_id);
  CHECK(agent["attributes"]["rack"] == "r9");
  nlohmann::json offer;
  for (int i = 0; i < 10 && offer.is_null(); ++i) {
    auto event = scheduler.subscription.next_of_type("OFFERS", std::chrono::milliseconds(300));
    if (event.is_null()) continue;
    for (const auto& o : event["offers"]["offers"]) {
      if (o["hostname"] == "node-03") offer = o;
    }
  }
  REQUIRE(offer.is_object());
  CHECK(offer["agent_id"]["value"] == agent["agent_id"]);
  bool rack = false;
  for (const auto& a : offer["attributes"]) {
    if (a["name"] == "rack" && a["text"]["value"] == "r9") rack = true;
  }
  CHECK(rack);
  CHECK(control_post(sim, "/agents/node-03/attributes", R"({"attributes":"bad"})") == 400);
}

TEST_CASE("failing a task through the control API gives TASK_FAILED from the agent",
          "[agents][faults]") {
  SimHarness sim;
  Scheduler scheduler(sim);
  scheduler.launch("node-01", "t", {"install", "--roles", "sds"});
  REQUIRE(scheduler.until_state("t", "TASK_RUNNING").is_object());
  REQUIRE(control_post(sim, "/tasks/t/fail", R"({"message":"disk on fire"})") == 200);
  auto failed = scheduler.update();
  REQUIRE(failed.is_object());
  CHECK(failed["state"] == "TASK_FAILED");
  CHECK(failed["message"] == "disk on fire");
  CHECK(failed.contains("uuid"));
  CHECK(control_post(sim, "/tasks/nope/fail") == 404);
}

TEST_CASE("after a master failover tasks on agents not yet re-registered get no reconcile answer",
          "[agents][faults][failover]") {
  SimHarness sim;
  std::string framework_id;
  {
    Scheduler scheduler(sim);
    framework_id = scheduler.id();
    scheduler.launch("node-01", "t", {"install", "--roles", "sds"});
    REQUIRE(scheduler.until_state("t", "TASK_RUNNING").is_object());
    REQUIRE(control_post(sim, "/mesos/failover") == 200);
    CHECK(scheduler.subscription.closed());
  }
  sim.advance(std::chrono::seconds(3));
  Subscription again(sim.standby(), subscribe_call("t", framework_id));
  REQUIRE(again.ok());
  REQUIRE(again.next_of_type("SUBSCRIBED").is_object());
  REQUIRE(scheduler_call(sim.standby(),
                         simple_call("RECONCILE", framework_id, "reconcile",
                                     {{"tasks", {{{"task_id", {{"value", "t"}}}}}}}),
                         again.stream_id())
              ->status == 202);
  CHECK(again.next_of_type("UPDATE", std::chrono::milliseconds(200)).is_null());
  sim.advance(std::chrono::seconds(5));  // agents re-register
  REQUIRE(scheduler_call(sim.standby(),
                         simple_call("RECONCILE", framework_id, "reconcile",
                                     {{"tasks", {{{"task_id", {{"value", "t"}}}}}}}),
                         again.stream_id())
              ->status == 202);
  auto update = again.next_of_type("UPDATE");
  REQUIRE(update.is_object());
  CHECK(update["update"]["status"]["state"] == "TASK_RUNNING");
}
