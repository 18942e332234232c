// SUBSCRIBE: the stream, its framing, heartbeats, and the framework id rules.
#include <catch2/catch.hpp>

#include "sim_harness.h"

using namespace scaleio::sim;
using namespace scaleio::sim::test;

TEST_CASE("SUBSCRIBE answers 200 chunked with a Mesos-Stream-Id, then SUBSCRIBED and HEARTBEAT",
          "[mesos][subscribe]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  REQUIRE(subscription.ok());
  const auto& response = subscription.response();
  CHECK(response.chunked);
  CHECK(response.header("content-length").empty());
  CHECK(response.header("content-type") == "application/json");
  CHECK(!subscription.stream_id().empty());
  CHECK(subscription.stream_id().size() <= 128);

  auto subscribed = subscription.next_event();
  REQUIRE(subscribed["type"] == "SUBSCRIBED");
  const std::string master_id = subscribed["subscribed"]["master_info"]["id"];
  CHECK(subscribed["subscribed"]["framework_id"]["value"] == master_id + "-0000");
  CHECK(subscribed["subscribed"]["heartbeat_interval_seconds"] == 15.0);
  auto heartbeat = subscription.next_event();
  CHECK(heartbeat["type"] == "HEARTBEAT");
}

TEST_CASE("RecordIO records are split across chunks and packed several to a chunk",
          "[mesos][subscribe][recordio]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  REQUIRE(subscription.ok());
  // SUBSCRIBED, HEARTBEAT and the first OFFERS are written in one step.
  REQUIRE(subscription.next_event()["type"] == "SUBSCRIBED");
  REQUIRE(subscription.next_event()["type"] == "HEARTBEAT");
  REQUIRE(subscription.next_event()["type"] == "OFFERS");
  const auto& chunks = subscription.chunks();
  REQUIRE(chunks.size() >= 2);
  // The first chunk holds two whole records (SUBSCRIBED and HEARTBEAT) and the head of a third.
  RecordIoReader first;
  first.feed(chunks[0]);
  REQUIRE(first.next_record());
  REQUIRE(first.next_record());
  CHECK(!first.next_record());
  CHECK(first.buffered() > 0);  // an incomplete record: it continues in the next chunk
}

TEST_CASE("heartbeats arrive every heartbeat_interval_seconds", "[mesos][subscribe]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  REQUIRE(subscription.ok());
  REQUIRE(subscription.next_of_type("HEARTBEAT").is_object());
  CHECK(subscription.next_of_type("HEARTBEAT", std::chrono::milliseconds(200)).is_null());
  sim.advance(std::chrono::seconds(15));
  CHECK(subscription.next_of_type("HEARTBEAT").is_object());
  sim.advance(std::chrono::seconds(15));
  CHECK(subscription.next_of_type("HEARTBEAT").is_object());
}

TEST_CASE("SUBSCRIBE carrying a Mesos-Stream-Id header is 400", "[mesos][subscribe]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call(), {{"Mesos-Stream-Id", "abc"}});
  REQUIRE(subscription.response().status == 400);
}

TEST_CASE("re-subscribe needs both framework ids, equal (400 otherwise)", "[mesos][subscribe]") {
  SimHarness sim;
  auto call = subscribe_call("x", std::string("fw-1"));
  call["subscribe"]["framework_info"]["id"]["value"] = "fw-2";
  Subscription mismatch(sim.mesos(), call);
  CHECK(mismatch.response().status == 400);

  auto only_top = subscribe_call("x");
  only_top["framework_id"] = {{"value", "fw-1"}};
  Subscription top(sim.mesos(), only_top);
  CHECK(top.response().status == 400);

  auto bare = subscribe_call("x", std::string("fw-1"));
  bare["framework_id"] = "fw-1";
  Subscription bare_string(sim.mesos(), bare);
  CHECK(bare_string.response().status == 400);
}

TEST_CASE("an unknown framework id on re-subscribe is accepted", "[mesos][subscribe]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call("x", std::string("from-before-failover")));
  REQUIRE(subscription.ok());
  auto subscribed = subscription.next_of_type("SUBSCRIBED");
  REQUIRE(subscribed.is_object());
  CHECK(subscribed["subscribed"]["framework_id"]["value"] == "from-before-failover");
}

TEST_CASE("a second subscription with the same id: the old stream gets 'Framework failed over'",
          "[mesos][subscribe]") {
  SimHarness sim;
  Subscription first(sim.mesos(), subscribe_call());
  REQUIRE(first.ok());
  REQUIRE(first.next_of_type("SUBSCRIBED").is_object());
  REQUIRE(first.next_of_type("OFFERS").is_object());

  Subscription second(sim.mesos(), subscribe_call("x", first.framework_id));
  REQUIRE(second.ok());
  CHECK(second.stream_id() != first.stream_id());
  auto error = first.next_of_type("ERROR");
  REQUIRE(error.is_object());
  CHECK(error["error"]["message"] == "Framework failed over");
  CHECK(first.closed());
  REQUIRE(second.next_event()["type"] == "SUBSCRIBED");
  CHECK(second.next_event()["type"] == "HEARTBEAT");
  // The old stream's offers were dropped silently; the new one gets fresh offers.
  auto offers = second.next_of_type("OFFERS");
  REQUIRE(offers.is_object());
  CHECK(offers["offers"]["offers"].size() == 3);
  // The old stream id is no longer valid.
  auto stale = scheduler_call(
      sim.mesos(),
      nlohmann::json{{"type", "REVIVE"}, {"framework_id", {{"value", first.framework_id}}}},
      first.stream_id());
  REQUIRE(stale);
  CHECK(stale->status == 400);
}

TEST_CASE("refused subscriptions are an ERROR event after the 200 (bad role)",
          "[mesos][subscribe]") {
  SimHarness sim;
  auto call = subscribe_call();
  call["subscribe"]["framework_info"]["roles"] = {"bad role"};
  Subscription subscription(sim.mesos(), call);
  REQUIRE(subscription.ok());
  auto error = subscription.next_event();
  REQUIRE(error["type"] == "ERROR");
  CHECK(subscription.closed());
}

TEST_CASE("failover_timeout expiry tears the framework down: tasks killed, id removed for good",
          "[mesos][subscribe][failover]") {
  SimHarness sim;
  std::string framework_id;
  {
    Subscription subscription(sim.mesos(), subscribe_call("x", std::nullopt, false, 30));
    REQUIRE(subscription.ok());
    auto offers = subscription.next_of_type("OFFERS");
    REQUIRE(offers.is_object());
    framework_id = subscription.framework_id;
    const auto& offer = offers["offers"]["offers"][0];
    nlohmann::json launch = {
        {"type", "ACCEPT"},
        {"framework_id", {{"value", framework_id}}},
        {"accept",
         {{"offer_ids", {offer["id"]}},
          {"operations",
           {{{"type", "LAUNCH"},
             {"launch",
              {{"task_infos",
                {{{"name", "node"},
                  {"task_id", {{"value", "t1"}}},
                  {"agent_id", offer["agent_id"]},
                  {"resources",
                   {{{"name", "cpus"}, {"type", "SCALAR"}, {"scalar", {{"value", 1}}}}}},
                  {"command",
                   {{"shell", false},
                    {"value", "./scaleio-node"},
                    {"arguments", {"./scaleio-node", "install", "--roles", "sds"}}}}}}}}}}}}}}};
    auto accepted = scheduler_call(sim.mesos(), launch, subscription.stream_id());
    REQUIRE(accepted);
    REQUIRE(accepted->status == 202);
    REQUIRE(sim.world()["tasks"].size() == 1);
  }
  // Disconnected: still there until failover_timeout passes.
  for (int i = 0; i < 200; ++i) {
    auto frameworks = sim.world()["frameworks"];
    if (!frameworks.empty() && frameworks[0]["connected"] == false) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sim.advance(std::chrono::seconds(20));
  CHECK(sim.world()["frameworks"].size() == 1);
  sim.advance(std::chrono::seconds(11));
  auto world = sim.world();
  CHECK(world["frameworks"].empty());
  CHECK(world["tasks"].empty());

  Subscription again(sim.mesos(), subscribe_call("x", framework_id));
  REQUIRE(again.ok());
  auto error = again.next_event();
  REQUIRE(error["type"] == "ERROR");
  CHECK(error["error"]["message"] == "Framework has been removed");
  CHECK(again.closed());
}

TEST_CASE("TEARDOWN removes the framework - its id is then refused", "[mesos][subscribe]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  REQUIRE(subscription.next_of_type("SUBSCRIBED").is_object());
  auto response =
      scheduler_call(sim.mesos(),
                     nlohmann::json{{"type", "TEARDOWN"},
                                    {"framework_id", {{"value", subscription.framework_id}}}},
                     subscription.stream_id());
  REQUIRE(response);
  CHECK(response->status == 202);
  CHECK(subscription.closed());
  Subscription again(sim.mesos(), subscribe_call("x", subscription.framework_id));
  REQUIRE(again.ok());
  auto error = again.next_event();
  CHECK(error["error"]["message"] == "Framework has been removed");
}

TEST_CASE("master failover breaks the stream - the new leader keeps the framework",
          "[mesos][subscribe][failover]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  REQUIRE(subscription.next_of_type("SUBSCRIBED").is_object());
  const std::string old_master = sim.world()["master"]["id"];
  REQUIRE(http_request(sim.control(), "POST", "/mesos/failover", "", {})->status == 200);
  CHECK(subscription.closed());
  sim.advance(std::chrono::seconds(3));
  Subscription again(sim.standby(), subscribe_call("x", subscription.framework_id));
  REQUIRE(again.ok());
  auto subscribed = again.next_of_type("SUBSCRIBED");
  REQUIRE(subscribed.is_object());
  CHECK(subscribed["subscribed"]["framework_id"]["value"] == subscription.framework_id);
  CHECK(subscribed["subscribed"]["master_info"]["id"] != old_master);
  // Agents re-register a little later: only then are they offered.
  CHECK(again.next_of_type("OFFERS", std::chrono::milliseconds(200)).is_null());
  sim.advance(std::chrono::seconds(5));
  CHECK(again.next_of_type("OFFERS").is_object());
}

TEST_CASE("drop-streams breaks every stream without a failover - the framework resubscribes",
          "[mesos][subscribe][faults]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  REQUIRE(subscription.next_of_type("SUBSCRIBED").is_object());
  const std::string master_id = sim.world()["master"]["id"];
  const std::string leader = sim.world()["master"]["leader"];

  auto dropped = http_request(sim.control(), "POST", "/mesos/drop-streams", "", {});
  REQUIRE(dropped);
  CHECK(dropped->status == 200);
  CHECK(subscription.closed());
  const auto world = sim.world();
  CHECK(world["master"]["id"] == master_id);  // no failover: the same master leads
  CHECK(world["master"]["leader"] == leader);
  CHECK(world["master"]["recovering"] == false);
  REQUIRE(world["frameworks"].size() == 1);
  CHECK(world["frameworks"][0]["connected"] == false);  // kept, its failover_timeout running

  // The same endpoint takes the framework back at once, with offers (no re-registration wait).
  Subscription again(sim.mesos(), subscribe_call("x", subscription.framework_id));
  REQUIRE(again.ok());
  auto subscribed = again.next_of_type("SUBSCRIBED");
  REQUIRE(subscribed.is_object());
  CHECK(subscribed["subscribed"]["framework_id"]["value"] == subscription.framework_id);
  CHECK(subscribed["subscribed"]["master_info"]["id"] == master_id);
  CHECK(again.next_of_type("OFFERS").is_object());
}

TEST_CASE("pause-heartbeats silences heartbeats for N seconds on old and new streams",
          "[mesos][subscribe][faults]") {
  SimHarness sim;
  Subscription subscription(sim.mesos(), subscribe_call());
  REQUIRE(subscription.next_of_type("HEARTBEAT").is_object());

  auto paused =
      http_request(sim.control(), "POST", "/mesos/pause-heartbeats", R"({"seconds":40})", {});
  REQUIRE(paused);
  CHECK(paused->status == 200);
  CHECK(sim.world()["master"]["heartbeats_paused"] == true);
  sim.advance(std::chrono::seconds(15));
  CHECK(subscription.next_of_type("HEARTBEAT", std::chrono::milliseconds(300)).is_null());
  // A stream opened during the pause gets SUBSCRIBED but no heartbeat either.
  Subscription second(sim.mesos(), subscribe_call("y"));
  REQUIRE(second.next_of_type("SUBSCRIBED").is_object());
  CHECK(second.next_of_type("HEARTBEAT", std::chrono::milliseconds(300)).is_null());
  sim.advance(std::chrono::seconds(15));
  CHECK(subscription.next_of_type("HEARTBEAT", std::chrono::milliseconds(300)).is_null());

  // After the pause they come back on their schedule.
  sim.advance(std::chrono::seconds(15));
  CHECK(sim.world()["master"]["heartbeats_paused"] == false);
  CHECK(subscription.next_of_type("HEARTBEAT").is_object());
  CHECK(second.next_of_type("HEARTBEAT").is_object());
}

TEST_CASE("pause-heartbeats needs a non-negative number of seconds", "[control][faults]") {
  SimHarness sim;
  CHECK(http_request(sim.control(), "POST", "/mesos/pause-heartbeats", "", {})->status == 400);
  CHECK(http_request(sim.control(), "POST", "/mesos/pause-heartbeats", R"({"seconds":-1})", {})
            ->status == 400);
  CHECK(http_request(sim.control(), "POST", "/mesos/pause-heartbeats", R"({"seconds":"x"})", {})
            ->status == 400);
}
