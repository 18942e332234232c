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
  // The newest unused offer on `hostname`, waiting (and moving time) for one if needed.
  nlohmann::json offer_on(const std::string& hostname) {
    for (int i = 0; i < 20; ++i) {
      for (const auto& o : offers) {
        if (o["hostname"] == hostname) return o;
      }
      auto event = subscription.next_of_type("OFFERS", std::chrono::milliseconds(200));
      if (event.is_null()) {
        sim.advance(std::chrono::seconds(1));
        continue;
      }
      take_offers(event);
    }
    FAIL("no offer on " << hostname);
    return nullptr;
  }
  void take_offers(const nlohmann::json& event) {
    for (const auto& o : event["offers"]["offers"]) offers.push_back(o);
  }
  void forget_offer(const nlohmann::json& offer) {
    nlohmann::json kept = nlohmann::json::array();
    for (const auto& o : offers) {
      if (o["id"] != offer["id"]) kept.push_back(o);
    }
    offers = kept;
  }
  int call(const nlohmann::json& c) {
    auto response = scheduler_call(sim.mesos(), c, subscription.stream_id());
    REQUIRE(response);
    return response->status;
  }
  void launch(const std::string& host, const std::string& task_id,
              const std::vector<std::string>& arguments, double cpus = 1.0) {
    const auto offer = offer_on(host);
    forget_offer(offer);
    REQUIRE(call(launch_call(id(), offer, task_id, arguments, cpus)) == 202);
  }
  // The next UPDATE's status (offers seen on the way are kept).
  nlohmann::json update(std::chrono::milliseconds timeout = 3s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (int i = 0; i < 1000; ++i) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      auto event = subscription.next_event(left);
      if (event.is_null()) break;
      if (event["type"] == "OFFERS") take_offers(event);
      if (event["type"] == "RESCIND") {
        nlohmann::json kept = nlohmann::json::array();
        for (const auto& o : offers) {
          if (o["id"] != event["rescind"]["offer_id"]) kept.push_back(o);
        }
        offers = kept;
      }
      if (event["type"] == "UPDATE") return event["update"]["status"];
    }
    return nullptr;
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
  const nlohmann::json world_now = sim.world();
  for (const auto& t : world_now["tasks"]) {
    if (t["task_id"] == task_id) return t;
  }
  return nullptr;
}

}  // namespace scaleio::sim::test
