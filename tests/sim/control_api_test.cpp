// The control API: listing, world state, errors, gateway faults.
#include <catch2/catch.hpp>

#include "core/base64.h"
#include "sim/cluster_spec.h"
#include "sim_harness.h"

using namespace scaleio::sim;
using namespace scaleio::sim::test;

TEST_CASE("GET / lists the endpoints with a mutates flag", "[control]") {
  SimHarness sim;
  auto response = http_request(sim.control(), "GET", "/", "", {});
  REQUIRE(response);
  REQUIRE(response->status == 200);
  auto body = nlohmann::json::parse(response->body);
  bool failover = false;
  for (const auto& e : body["endpoints"]) {
    if (e["path"] == "/mesos/failover") failover = e["mutates"] == true;
  }
  CHECK(failover);
}

TEST_CASE("GET /world shows agents, tasks, frameworks and the ScaleIO world", "[control]") {
  SimHarness sim;
  auto response = http_request(sim.control(), "GET", "/world", "", {});
  REQUIRE(response);
  REQUIRE(response->status == 200);
  auto world = nlohmann::json::parse(response->body);
  CHECK(world["agents"].size() == 3);
  CHECK(world["agents"][0]["state"] == "up");
  CHECK(world["tasks"].is_array());
  CHECK(world["frameworks"].is_array());
  CHECK(world["scaleio"].is_object());
}

TEST_CASE("control errors: unknown agent 404, unknown endpoint 404, bad JSON 400", "[control]") {
  SimHarness sim;
  CHECK(http_request(sim.control(), "POST", "/agents/nobody/stop", "", {})->status == 404);
  CHECK(http_request(sim.control(), "POST", "/what", "", {})->status == 404);
  CHECK(http_request(sim.control(), "POST", "/gateway/faults", "{oops", {})->status == 400);
  CHECK(
      http_request(sim.control(), "POST", "/gateway/faults", R"({"latency_ms":-1})", {})->status ==
      400);
}

TEST_CASE("gateway faults: errors_for_seconds makes the gateway answer 500 for a while",
          "[control][gateway]") {
  SimHarness sim;
  REQUIRE(!sim.gateway().empty());
  const std::string gateway = sim.gateway().substr(std::string("http://").size());
  auto before = http_request(gateway, "GET", "/api/version", "", {});
  REQUIRE(before);
  const int normal = before->status;
  CHECK(normal != 500);
  REQUIRE(http_request(sim.control(), "POST", "/gateway/faults", R"({"errors_for_seconds":30})", {})
              ->status == 200);
  auto during = http_request(gateway, "GET", "/api/version", "", {});
  REQUIRE(during);
  CHECK(during->status == 500);
  sim.advance(std::chrono::seconds(31));
  auto after = http_request(gateway, "GET", "/api/version", "", {});
  REQUIRE(after);
  CHECK(after->status == normal);
}

TEST_CASE("gateway faults: timeout_for_seconds makes the gateway not answer",
          "[control][gateway]") {
  SimHarness sim;
  const std::string gateway = sim.gateway().substr(std::string("http://").size());
  REQUIRE(http_request(sim.control(), "POST", "/gateway/faults", R"({"timeout_for_seconds":1})", {})
              ->status == 200);
  RawConnection connection(gateway);
  connection.send_request("GET", "/api/version", {}, "");
  CHECK(!connection.read_response(std::chrono::milliseconds(300)));
}

TEST_CASE("ScaleIO component faults are forwarded - unknown hosts are errors", "[control]") {
  SimHarness sim;
  auto response = http_request(sim.control(), "POST", "/scaleio/nobody/fail/mdm", "", {});
  REQUIRE(response);
  CHECK(response->status != 200);
}

namespace {
std::string basic_auth(const std::string& user, const std::string& password) {
  return "Basic " + scaleio::base64_encode(user + ":" + password);
}
}  // namespace

TEST_CASE("gateway faults: expire_tokens makes issued tokens stop working", "[control][gateway]") {
  SimHarness sim;
  const std::string gateway = sim.gateway().substr(std::string("http://").size());
  auto login = http_request(gateway, "GET", "/api/login", "",
                            {{"Authorization", basic_auth("admin", "Scaleio123")}});
  REQUIRE(login);
  REQUIRE(login->status == 200);
  const std::string token = nlohmann::json::parse(login->body).get<std::string>();
  const std::map<std::string, std::string> auth = {{"Authorization", basic_auth("admin", token)}};
  auto before = http_request(gateway, "GET", "/api/version", "", auth);
  REQUIRE(before);
  CHECK(before->status == 200);
  REQUIRE(http_request(sim.control(), "POST", "/gateway/faults", R"({"expire_tokens":true})", {})
              ->status == 200);
  auto after = http_request(gateway, "GET", "/api/version", "", auth);
  REQUIRE(after);
  CHECK(after->status == 401);
}

TEST_CASE("gateway faults: latency_ms delays every answer", "[control][gateway]") {
  SimHarness sim;
  const std::string gateway = sim.gateway().substr(std::string("http://").size());
  REQUIRE(
      http_request(sim.control(), "POST", "/gateway/faults", R"({"latency_ms":300})", {})->status ==
      200);
  const auto start = std::chrono::steady_clock::now();
  auto response = http_request(gateway, "GET", "/api/version", "", {});
  REQUIRE(response);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(290));
}

TEST_CASE("a cluster file can pre-install packages and adopt an existing ScaleIO cluster",
          "[cluster][adopt]") {
  auto spec = parse_cluster_spec(nlohmann::json::parse(R"({
    "agents": [
      {"hostname": "m1", "ip": "10.0.0.1", "attributes": "scaleio-persona:primary",
       "installed": {"roles": ["mdm", "sds", "sdc"], "mdm_ips": ["10.0.0.1", "10.0.0.2"]}},
      {"hostname": "m2", "ip": "10.0.0.2", "attributes": "scaleio-persona:secondary",
       "installed": {"roles": ["mdm", "sds", "sdc"], "mdm_ips": ["10.0.0.1", "10.0.0.2"]}},
      {"hostname": "t1", "ip": "10.0.0.3", "attributes": "scaleio-persona:tiebreaker",
       "installed": {"roles": ["tb", "sds", "sdc"], "mdm_ips": ["10.0.0.1", "10.0.0.2"]}}],
    "scaleio": {
      "system_name": "prod",
      "mdm": {"mode": "ThreeNodes",
              "members": [{"name": "m1", "ip": "10.0.0.1", "role": "Manager", "master": true},
                          {"name": "m2", "ip": "10.0.0.2", "role": "Manager"},
                          {"name": "t1", "ip": "10.0.0.3", "role": "TieBreaker"}],
              "standby": []}}})"));
  REQUIRE(spec.ok());
  CHECK(spec->preinstalled.size() == 3);
  SimulatorOptions options = test_options();
  options.cluster = spec.value();
  SimHarness sim(options);
  auto world = sim.world();
  CHECK(world["agents"].size() == 3);
  CHECK(world["scaleio"]["nodes"].size() == 3);
  CHECK(world["scaleio"]["mdmClusterAvailable"] == true);
  CHECK(world["scaleio"].dump().find("prod") != std::string::npos);
}
