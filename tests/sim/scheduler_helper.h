#pragma once
// A minimal test scheduler over the raw client: subscribe, take offers, launch, acknowledge.
#include <catch2/catch.hpp>

#include "sim_harness.h"

namespace scaleio::sim::test {

struct Scheduler {
  SimHarness& sim;
  Subscription subscription;
  nlohmann::json offers;

  Scheduler(SimHarness& s, bool partition_aware = false)
      : sim(s), subscription(s.mesos(), subscribe_call("t", std::nullopt, partition_aware)) {
    auto event = subscription.next_of_type("OFFERS");
    REQUIRE(event.is_object());
    offers = event["offers"]["offers"];
  }
  const std::string& id() const { return subscription.framework_id; }
  nlohmann::json offer_on(const std::string& hostname) const {
    for (const auto& o : offers) {
      if (o["hostname"] == hostname) return o;
    }
    FAIL("no offer on " << hostname);
    return nullptr;
  }
  int call(const nlohmann::json& c) {
    auto response = scheduler_call(sim.mesos(), c, subscription.stream_id());
    REQUIRE(response);
    return response->status;
  }
  void launch(const std::string& host, const std::string& task_id,
              const std::vector<std::string>& arguments) {
    REQUIRE(call(launch_call(id(), offer_on(host), task_id, arguments)) == 202);
  }
  nlohmann::json update(std::chrono::milliseconds timeout = 3s) {
    auto event = subscription.next_of_type("UPDATE", timeout);
    return event.is_null() ? event : event["update"]["status"];
  }
  void ack(const nlohmann::json& status) {
    REQUIRE(call(simple_call("ACKNOWLEDGE", id(), "acknowledge",
                             {{"agent_id", status["agent_id"]},
                              {"task_id", status["task_id"]},
                              {"uuid", status["uuid"]}})) == 202);
  }
  // Acknowledges updates until `task_id` reports `state`.
  nlohmann::json until_state(const std::string& task_id, const std::string& state,
                             Clock::Duration step = std::chrono::seconds(1)) {
    for (int i = 0; i < 60; ++i) {
      auto status = update(std::chrono::milliseconds(100));
      if (status.is_null()) {
        sim.advance(step);
        continue;
      }
      if (status.contains("uuid")) ack(status);
      if (status["task_id"]["value"] == task_id && status["state"] == state) return status;
    }
    return nullptr;
  }
};

inline nlohmann::json world_task(SimHarness& sim, const std::string& task_id) {
  for (const auto& t : sim.world()["tasks"]) {
    if (t["task_id"] == task_id) return t;
  }
  return nullptr;
}


}  // namespace scaleio::sim::test
