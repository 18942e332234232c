// Offers: content, filters, SUPPRESS/REVIVE, RESCIND, and ACCEPT validation.
#include <catch2/catch.hpp>

#include "sim_harness.h"

using namespace scaleio::sim;
using namespace scaleio::sim::test;

namespace {

SimulatorOptions typed_attribute_options() {
  SimulatorOptions options = test_options();
  auto cluster = parse_cluster_spec(nlohmann::json::parse(R"({"agents":[
      {"hostname":"a1","ip":"10.1.0.1","attributes":"rack:abc;zone:west;level:10;keys:[1000-1500];v:v1.0;neg:-3",
       "resources":{"cpus":4,"mem":8192,"disk":1000,"ports":"[31000-31009]"}}]})"));
  REQUIRE(cluster.ok());
  options.cluster = cluster.value();
  return options;
}

const nlohmann::json* find_named(const nlohmann::json& list, const std::string& name) {
  for (const auto& item : list) {
    if (item["name"] == name) return &item;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("offers carry typed attributes and the agent's unused resources", "[mesos][offers]") {
  SimHarness sim(typed_attribute_options());
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  const auto& offers = event["offers"]["offers"];
  REQUIRE(offers.size() == 1);
  const auto& offer = offers[0];
  const std::string master_id = sim.world()["master"]["id"];
  CHECK(offer["id"]["value"] == master_id + "-O0");
  CHECK(offer["agent_id"]["value"] == master_id + "-S0");
  CHECK(offer["framework_id"]["value"] == subscription.framework_id);
  CHECK(offer["hostname"] == "a1");
  CHECK(offer["allocation_info"]["role"] == "scaleio");

  const auto& attributes = offer["attributes"];
  CHECK(*find_named(attributes, "rack") ==
        nlohmann::json::parse(R"({"name":"rack","type":"TEXT","text":{"value":"abc"}})"));
  CHECK(*find_named(attributes, "level") ==
        nlohmann::json::parse(R"({"name":"level","type":"SCALAR","scalar":{"value":10.0}})"));
  CHECK(*find_named(attributes, "keys") ==
        nlohmann::json::parse(
            R"({"name":"keys","type":"RANGES","ranges":{"range":[{"begin":1000,"end":1500}]}})"));
  CHECK((*find_named(attributes, "v"))["type"] == "TEXT");
  CHECK((*find_named(attributes, "neg"))["type"] == "TEXT");

  const auto& resources = offer["resources"];
  CHECK((*find_named(resources, "cpus"))["scalar"]["value"] == 4.0);
  CHECK((*find_named(resources, "mem"))["scalar"]["value"] == 8192.0);
  CHECK((*find_named(resources, "disk"))["scalar"]["value"] == 1000.0);
  CHECK((*find_named(resources, "ports"))["ranges"]["range"][0]["begin"] == 31000);
  CHECK((*find_named(resources, "ports"))["ranges"]["range"][0]["end"] == 31009);
}

TEST_CASE("DECLINE with refuse_seconds filters the agent until the time passes - REVIVE clears it",
          "[mesos][offers]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  nlohmann::json offer_ids = nlohmann::json::array();
  for (const auto& offer : event["offers"]["offers"]) offer_ids.push_back(offer["id"]);
  auto response = scheduler_call(
      sim.mesos(),
      simple_call("DECLINE", subscription.framework_id, "decline",
                  {{"offer_ids", offer_ids}, {"filters", {{"refuse_seconds", 60.0}}}}),
      subscription.stream_id());
  REQUIRE(response);
  REQUIRE(response->status == 202);
  sim.advance(std::chrono::seconds(30));
  CHECK(subscription.next_of_type("OFFERS", std::chrono::milliseconds(200)).is_null());
  sim.advance(std::chrono::seconds(31));
  auto again = subscription.next_of_type("OFFERS");
  REQUIRE(again.is_object());
  CHECK(again["offers"]["offers"].size() == 3);

  // Decline with the default filter (5 s), then REVIVE brings offers back at once.
  offer_ids = nlohmann::json::array();
  for (const auto& offer : again["offers"]["offers"]) offer_ids.push_back(offer["id"]);
  REQUIRE(scheduler_call(sim.mesos(),
                         simple_call("DECLINE", subscription.framework_id, "decline",
                                     {{"offer_ids", offer_ids}}),
                         subscription.stream_id())
              ->status == 202);
  sim.advance(std::chrono::seconds(2));
  CHECK(subscription.next_of_type("OFFERS", std::chrono::milliseconds(200)).is_null());
  REQUIRE(scheduler_call(sim.mesos(), simple_call("REVIVE", subscription.framework_id),
                         subscription.stream_id())
              ->status == 202);
  CHECK(subscription.next_of_type("OFFERS").is_object());
}

TEST_CASE("SUPPRESS stops offers - REVIVE resumes them", "[mesos][offers]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  REQUIRE(scheduler_call(sim.mesos(),
                         simple_call("SUPPRESS", subscription.framework_id, "suppress",
                                     {{"roles", {"scaleio"}}}),
                         subscription.stream_id())
              ->status == 202);
  nlohmann::json offer_ids = nlohmann::json::array();
  for (const auto& offer : event["offers"]["offers"]) offer_ids.push_back(offer["id"]);
  REQUIRE(
      scheduler_call(sim.mesos(),
                     simple_call("DECLINE", subscription.framework_id, "decline",
                                 {{"offer_ids", offer_ids}, {"filters", {{"refuse_seconds", 0}}}}),
                     subscription.stream_id())
          ->status == 202);
  sim.advance(std::chrono::seconds(10));
  CHECK(subscription.next_of_type("OFFERS", std::chrono::milliseconds(200)).is_null());
  REQUIRE(scheduler_call(sim.mesos(), simple_call("REVIVE", subscription.framework_id),
                         subscription.stream_id())
              ->status == 202);
  CHECK(subscription.next_of_type("OFFERS").is_object());
}

TEST_CASE("an offer on an agent that stops is rescinded", "[mesos][offers]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  std::string offer_on_node2;
  for (const auto& offer : event["offers"]["offers"]) {
    if (offer["hostname"] == "node-02") offer_on_node2 = offer["id"]["value"];
  }
  REQUIRE(!offer_on_node2.empty());
  REQUIRE(http_request(sim.control(), "POST", "/agents/node-02/stop", "", {})->status == 200);
  auto rescind = subscription.next_of_type("RESCIND");
  REQUIRE(rescind.is_object());
  CHECK(rescind["rescind"]["offer_id"]["value"] == offer_on_node2);
}

TEST_CASE("ACCEPT: an unknown or used offer gives TASK_LOST REASON_INVALID_OFFERS without uuid",
          "[mesos][offers][accept]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  const auto offer = event["offers"]["offers"][0];
  auto first = launch_call(subscription.framework_id, offer, "t1", {"install", "--roles", "sdc"});
  REQUIRE(scheduler_call(sim.mesos(), first, subscription.stream_id())->status == 202);
  auto second = launch_call(subscription.framework_id, offer, "t2", {"install", "--roles", "sdc"});
  REQUIRE(scheduler_call(sim.mesos(), second, subscription.stream_id())->status == 202);
  nlohmann::json update;
  for (int i = 0; i < 10; ++i) {
    update = subscription.next_of_type("UPDATE");
    REQUIRE(update.is_object());
    if (update["update"]["status"]["task_id"]["value"] == "t2") break;
  }
  const auto& status = update["update"]["status"];
  CHECK(status["task_id"]["value"] == "t2");
  CHECK(status["state"] == "TASK_LOST");
  CHECK(status["reason"] == "REASON_INVALID_OFFERS");
  CHECK(status["source"] == "SOURCE_MASTER");
  CHECK(!status.contains("uuid"));
}

TEST_CASE("ACCEPT with invalid offers: partition-aware frameworks get TASK_DROPPED",
          "[mesos][offers][accept]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call("pa", std::nullopt, true));
  REQUIRE(subscription.next_of_type("OFFERS").is_object());
  nlohmann::json fake_offer = {{"id", {{"value", "no-such-offer"}}},
                               {"agent_id", {{"value", "no-such-agent"}}}};
  auto call =
      launch_call(subscription.framework_id, fake_offer, "t1", {"install", "--roles", "sdc"});
  REQUIRE(scheduler_call(sim.mesos(), call, subscription.stream_id())->status == 202);
  auto update = subscription.next_of_type("UPDATE");
  REQUIRE(update.is_object());
  CHECK(update["update"]["status"]["state"] == "TASK_DROPPED");
  CHECK(update["update"]["status"]["reason"] == "REASON_INVALID_OFFERS");
}

TEST_CASE("ACCEPT: a task asking more than the offer holds is TASK_ERROR REASON_TASK_INVALID",
          "[mesos][offers][accept]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  auto call = launch_call(subscription.framework_id, event["offers"]["offers"][0], "big",
                          {"install", "--roles", "sdc"}, /*cpus=*/64);
  REQUIRE(scheduler_call(sim.mesos(), call, subscription.stream_id())->status == 202);
  auto update = subscription.next_of_type("UPDATE");
  REQUIRE(update.is_object());
  CHECK(update["update"]["status"]["state"] == "TASK_ERROR");
  CHECK(update["update"]["status"]["reason"] == "REASON_TASK_INVALID");
  CHECK(!update["update"]["status"].contains("uuid"));
  CHECK(sim.world()["tasks"].empty());

  // Both command and executor: invalid too.
  auto event2 = subscription.next_of_type("OFFERS", std::chrono::milliseconds(100));
  (void)event2;
}

TEST_CASE("ACCEPT: TaskInfo without a task_id is a 400", "[mesos][offers][accept]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  auto call = launch_call(subscription.framework_id, event["offers"]["offers"][0], "t",
                          {"install", "--roles", "sdc"});
  call["accept"]["operations"][0]["launch"]["task_infos"][0].erase("task_id");
  CHECK(scheduler_call(sim.mesos(), call, subscription.stream_id())->status == 400);
}

TEST_CASE("ACCEPT leaves the unused part of the offer filtered for refuse_seconds",
          "[mesos][offers][accept]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  const auto offer = event["offers"]["offers"][0];
  auto call = launch_call(subscription.framework_id, offer, "t1", {"install", "--roles", "sdc"},
                          1.0, /*refuse_seconds=*/20);
  REQUIRE(scheduler_call(sim.mesos(), call, subscription.stream_id())->status == 202);
  sim.advance(std::chrono::seconds(10));
  // Nothing re-offered from that agent before 20 s.
  for (int i = 0; i < 5; ++i) {
    auto more = subscription.next_of_type("OFFERS", std::chrono::milliseconds(50));
    if (more.is_null()) break;
    for (const auto& o : more["offers"]["offers"]) CHECK(o["hostname"] != offer["hostname"]);
  }
  sim.advance(std::chrono::seconds(11));
  bool reoffered = false;
  for (int i = 0; i < 5 && !reoffered; ++i) {
    auto more = subscription.next_of_type("OFFERS", std::chrono::milliseconds(500));
    if (more.is_null()) break;
    for (const auto& o : more["offers"]["offers"]) {
      if (o["hostname"] == offer["hostname"]) {
        reoffered = true;
        // The launched task's resources are no longer offered.
        for (const auto& r : o["resources"]) {
          if (r["name"] == "cpus") CHECK(r["scalar"]["value"] == 7.0);
        }
      }
    }
  }
  CHECK(reoffered);
}

TEST_CASE("GET_AGENTS reports each agent's allocated and offered resources", "[mesos][operator]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  auto event = subscription.next_of_type("OFFERS");
  REQUIRE(event.is_object());
  REQUIRE(event["offers"]["offers"].size() == 3);
  const auto launched = event["offers"]["offers"][0];
  REQUIRE(scheduler_call(sim.mesos(),
                         launch_call(subscription.framework_id, launched, "t1",
                                     {"install", "--roles", "sdc"}, 1.5, /*refuse_seconds=*/20),
                         subscription.stream_id())
              ->status == 202);
  auto response = http_request(sim.mesos(), "POST", "/api/v1", R"({"type":"GET_AGENTS"})",
                               {{"Content-Type", "application/json"}});
  REQUIRE(response);
  REQUIRE(response->status == 200);
  const auto agents = nlohmann::json::parse(response->body)["get_agents"]["agents"];
  REQUIRE(agents.size() == 3);
  auto scalar = [](const nlohmann::json& resources, const std::string& name) {
    const nlohmann::json* r = find_named(resources, name);
    return r ? (*r)["scalar"]["value"].get<double>() : 0.0;
  };
  for (const auto& agent : agents) {
    const bool has_task = agent["agent_info"]["hostname"] == launched["hostname"];
    CAPTURE(agent["agent_info"]["hostname"]);
    // The task's agent: its task holds 1.5 cpus, the rest went back unoffered (filtered 20 s).
    // The others: everything is out in the outstanding offer, nothing allocated.
    CHECK(scalar(agent["allocated_resources"], "cpus") == (has_task ? 1.5 : 0.0));
    CHECK(scalar(agent["offered_resources"], "cpus") ==
          (has_task ? 0.0 : scalar(agent["total_resources"], "cpus")));
  }
}
