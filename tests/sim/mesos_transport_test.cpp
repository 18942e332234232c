// Transport rules and the status-code table of mesos-v1-api.md, spoken as raw HTTP.
#include <catch2/catch.hpp>

#include "sim_harness.h"

using namespace scaleio::sim;
using namespace scaleio::sim::test;

namespace {
const std::string kScheduler = "/api/v1/scheduler";
const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};
}  // namespace

TEST_CASE("scheduler endpoint accepts POST only (405)", "[mesos][transport]") {
  SimHarness sim;
  auto response = http_request(sim.mesos(), "GET", kScheduler, "", {});
  REQUIRE(response);
  CHECK(response->status == 405);
  CHECK(response->header("allow") == "POST");
}

TEST_CASE("Content-Type missing is 400, other types 415, protobuf 415 (JSON only)",
          "[mesos][transport]") {
  SimHarness sim;
  const std::string body = subscribe_call().dump();
  auto missing = http_request(sim.mesos(), "POST", kScheduler, body, {});
  REQUIRE(missing);
  CHECK(missing->status == 400);
  auto text = http_request(sim.mesos(), "POST", kScheduler, body, {{"Content-Type", "text/plain"}});
  REQUIRE(text);
  CHECK(text->status == 415);
  auto protobuf = http_request(sim.mesos(), "POST", kScheduler, body,
                               {{"Content-Type", "application/x-protobuf"}});
  REQUIRE(protobuf);
  CHECK(protobuf->status == 415);
  auto with_charset = http_request(sim.mesos(), "POST", kScheduler, body,
                                   {{"Content-Type", "application/json; charset=utf-8"}});
  REQUIRE(with_charset);
  CHECK(with_charset->status == 200);
}

TEST_CASE("SUBSCRIBE whose Accept excludes JSON is 406 - no Accept means JSON",
          "[mesos][transport]") {
  SimHarness sim;
  auto refused =
      http_request(sim.mesos(), "POST", kScheduler, subscribe_call().dump(),
                   {{"Content-Type", "application/json"}, {"Accept", "application/x-protobuf"}});
  REQUIRE(refused);
  CHECK(refused->status == 406);
  RawConnection connection(sim.mesos());
  connection.send_request("POST", kScheduler, kJson, subscribe_call().dump());
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
  CHECK(response->header("content-type") == "application/json");
}

TEST_CASE("unparsable bodies and enum numbers are 400", "[mesos][transport]") {
  SimHarness sim;
  auto garbage = http_request(sim.mesos(), "POST", kScheduler, "{not json", kJson);
  REQUIRE(garbage);
  CHECK(garbage->status == 400);
  auto numeric = http_request(sim.mesos(), "POST", kScheduler, R"({"type":1})", kJson);
  REQUIRE(numeric);
  CHECK(numeric->status == 400);
  auto unknown = http_request(sim.mesos(), "POST", kScheduler,
                              R"({"type":"FLY","framework_id":{"value":"x"}})", kJson);
  REQUIRE(unknown);
  CHECK(unknown->status == 400);
}

TEST_CASE("unknown paths are 404", "[mesos][transport]") {
  SimHarness sim;
  auto response = http_request(sim.mesos(), "POST", "/api/v2/nothing", "{}", kJson);
  REQUIRE(response);
  CHECK(response->status == 404);
}

TEST_CASE("keep-alive: several calls on one connection", "[mesos][transport]") {
  SimHarness sim;
  RawConnection connection(sim.mesos());
  for (int i = 0; i < 3; ++i) {
    connection.send_request("POST", kScheduler, kJson,
                            R"({"type":"REVIVE","framework_id":{"value":"nope"}})");
    auto response = connection.read_response();
    REQUIRE(response);
    CHECK(response->status == 400);
    CHECK(response->body == "Framework cannot be found");
  }
}

TEST_CASE(
    "calls other than SUBSCRIBE: framework unknown 400, stream id missing or wrong 400, "
    "disconnected 403",
    "[mesos][transport]") {
  SimHarness sim;
  std::string framework_id;
  {
    Subscription subscription(sim.mesos(), subscribe_call());
    REQUIRE(subscription.ok());
    REQUIRE(subscription.next_of_type("SUBSCRIBED").is_object());
    framework_id = subscription.framework_id;
    const nlohmann::json revive = {{"type", "REVIVE"}, {"framework_id", {{"value", framework_id}}}};

    auto ok = scheduler_call(sim.mesos(), revive, subscription.stream_id());
    REQUIRE(ok);
    CHECK(ok->status == 202);
    CHECK(ok->body.empty());

    auto no_stream = scheduler_call(sim.mesos(), revive, "");
    REQUIRE(no_stream);
    CHECK(no_stream->status == 400);

    auto wrong_stream = scheduler_call(sim.mesos(), revive, "0000-not-the-stream");
    REQUIRE(wrong_stream);
    CHECK(wrong_stream->status == 400);

    auto bare_string = scheduler_call(
        sim.mesos(), nlohmann::json{{"type", "REVIVE"}, {"framework_id", framework_id}},
        subscription.stream_id());
    REQUIRE(bare_string);
    CHECK(bare_string->status == 400);

    auto unknown = scheduler_call(
        sim.mesos(), nlohmann::json{{"type", "REVIVE"}, {"framework_id", {{"value", "other"}}}},
        subscription.stream_id());
    REQUIRE(unknown);
    CHECK(unknown->status == 400);
    CHECK(unknown->body == "Framework cannot be found");
  }
  // The subscription's connection is closed: the framework is disconnected, calls get 403.
  bool disconnected = false;
  for (int i = 0; i < 200 && !disconnected; ++i) {
    auto world = sim.world();
    for (const auto& f : world["frameworks"]) {
      if (f["id"] == framework_id && f["connected"] == false) disconnected = true;
    }
    if (!disconnected) std::this_thread::sleep_for(10ms);
  }
  REQUIRE(disconnected);
  auto response = scheduler_call(
      sim.mesos(), nlohmann::json{{"type", "REVIVE"}, {"framework_id", {{"value", framework_id}}}},
      "any");
  REQUIRE(response);
  CHECK(response->status == 403);
  CHECK(response->body == "Framework is not subscribed");
}

TEST_CASE("the standby master answers 307 with a scheme-less Location to the leader",
          "[mesos][transport][failover]") {
  SimHarness sim;
  auto response = http_request(sim.standby(), "POST", kScheduler, subscribe_call().dump(), kJson);
  REQUIRE(response);
  CHECK(response->status == 307);
  CHECK(response->header("location") == "//" + sim.mesos() + "/api/v1/scheduler");
  auto operator_api =
      http_request(sim.standby(), "POST", "/api/v1", R"({"type":"GET_AGENTS"})", kJson);
  REQUIRE(operator_api);
  CHECK(operator_api->status == 307);
  CHECK(operator_api->header("location") == "//" + sim.mesos() + "/api/v1");
}

TEST_CASE("after a master failover the new leader answers 503 while recovering, the old one 307",
          "[mesos][transport][failover]") {
  SimHarness sim;
  auto failover = http_request(sim.control(), "POST", "/mesos/failover", "", {});
  REQUIRE(failover);
  REQUIRE(failover->status == 200);
  auto recovering = http_request(sim.standby(), "POST", kScheduler, subscribe_call().dump(), kJson);
  REQUIRE(recovering);
  CHECK(recovering->status == 503);
  auto redirect = http_request(sim.mesos(), "POST", kScheduler, subscribe_call().dump(), kJson);
  REQUIRE(redirect);
  CHECK(redirect->status == 307);
  CHECK(redirect->header("location") == "//" + sim.standby() + "/api/v1/scheduler");
  sim.advance(std::chrono::seconds(3));
  RawConnection connection(sim.standby());
  connection.send_request("POST", kScheduler, kJson, subscribe_call().dump());
  auto response = connection.read_response();
  REQUIRE(response);
  CHECK(response->status == 200);
}

TEST_CASE("operator API GET_AGENTS lists registered agents with typed attributes",
          "[mesos][operator]") {
  SimHarness sim;
  auto response = http_request(sim.mesos(), "POST", "/api/v1", R"({"type":"GET_AGENTS"})", kJson);
  REQUIRE(response);
  REQUIRE(response->status == 200);
  auto body = nlohmann::json::parse(response->body);
  CHECK(body["type"] == "GET_AGENTS");
  const auto& agents = body["get_agents"]["agents"];
  REQUIRE(agents.size() == 3);
  const auto& info = agents[0]["agent_info"];
  CHECK(info["hostname"] == "node-01");
  CHECK(info["port"] == 5051);
  CHECK(info["id"]["value"].get<std::string>().find("-S") != std::string::npos);
  CHECK(agents[0]["active"] == true);
  CHECK(agents[0]["pid"] == "slave(1)@10.0.0.11:5051");
  bool persona = false;
  for (const auto& a : info["attributes"]) {
    if (a["name"] == "scaleio-persona") {
      persona = true;
      CHECK(a["type"] == "TEXT");
      CHECK(a["text"]["value"] == "primary");
    }
  }
  CHECK(persona);
}

TEST_CASE("oversized headers and bodies are refused (431 / 413)", "[transport][limits]") {
  SimHarness sim;
  auto big_header = http_request(
      sim.mesos(), "POST", kScheduler, "{}",
      {{"Content-Type", "application/json"}, {"X-Padding", std::string(64 * 1024, 'a')}});
  REQUIRE(big_header);
  CHECK(big_header->status == 431);
  auto big_body =
      http_request(sim.mesos(), "POST", kScheduler, std::string(5 * 1024 * 1024, ' '), kJson);
  REQUIRE(big_body);
  CHECK(big_body->status == 413);
}
