// scaleio-operator end to end: the real daemon against the real scaleio-sim, over loopback.
#include <catch2/catch.hpp>
#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/operator/operator_fixture.h"

using namespace scaleio::testing;
using nlohmann::json;

namespace {

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

}  // namespace

TEST_CASE("the daemon subscribes, observes, plans and serves every endpoint") {
  OperatorFixture f;
  REQUIRE(f.start_operator());
  REQUIRE(f.wait_ready(60s));

  SECTION("GET / lists every endpoint with its help and whether it changes state") {
    const json index = f.get_json("/");
    REQUIRE(index.is_array());
    std::map<std::string, bool> mutates;
    for (const auto& route : index) {
      CHECK_FALSE(route["help"].get<std::string>().empty());
      mutates[route["method"].get<std::string>() + " " + route["path"].get<std::string>()] =
          route["mutates_state"].get<bool>();
    }
    CHECK(mutates.at("GET /metrics") == false);
    CHECK(mutates.at("GET /v1/events") == false);
    CHECK(mutates.at("POST /v1/reconcilers/{name}/pause") == true);
    CHECK(mutates.at("POST /v1/reconcilers/{name}/resume") == true);
    CHECK(mutates.count("GET /v1/artifacts/scaleio-node") == 1);
  }

  SECTION("the plan holds the six agents with their personas") {
    const json plan = f.wait_for(
        "/v1/plan", [](const json& j) { return j["plan"]["nodes"].size() == 6; }, 20s);
    REQUIRE(plan["plan"]["nodes"].size() == 6);
    CHECK(plan["contentHash"].get<std::string>().size() == 16);
    CHECK(plan["plan"]["mdm_cluster"]["valid"] == true);
    const int size = plan["plan"]["mdm_cluster"]["size"].get<int>();
    CHECK((size == 3 || size == 5));
  }

  SECTION("the state shows the framework, the agents and the gateway's view") {
    const json state = f.get_json("/v1/state");
    CHECK_FALSE(state["frameworkId"].get<std::string>().empty());
    CHECK(state["agents"].size() == 6);
    CHECK(state["scaleio"]["reachable"] == true);
    CHECK(state["asOfSequence"].get<uint64_t>() > 0);
  }

  SECTION("events page, filter by type and stream, and refuse bad parameters") {
    const json page = f.get_json("/v1/events?limit=3");
    REQUIRE(page["events"].size() == 3);
    CHECK(page["events"][0]["sequence"] == 1);
    CHECK(page["next"] == 4);
    const json agents = f.get_json("/v1/events?type=AgentObserved&limit=100");
    REQUIRE(agents["events"].size() >= 6);
    for (const auto& e : agents["events"]) CHECK(e["type"] == "AgentObserved");
    const json plan = f.get_json("/v1/events?stream=plan");
    REQUIRE(plan["events"].size() >= 1);
    for (const auto& e : plan["events"]) CHECK(e["stream"] == "plan");
    auto bad = f.get("/v1/events?limit=banana");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK_THAT(bad->body, Catch::Contains("limit"));
    auto unknown = f.get("/v1/events?form=3");
    REQUIRE(unknown);
    CHECK(unknown->status == 400);
  }

  SECTION("follow mode streams events as they are appended") {
    scaleio::sim::test::RawConnection c(f.operator_process()->api);
    REQUIRE(c.connected());
    c.send_request("GET", "/v1/events?follow=true&stream=plan", {}, "");
    auto head = c.read_response(5s);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->chunked);
    auto chunk = c.read_chunk(10s);
    REQUIRE(chunk);
    const json first = json::parse(chunk->substr(0, chunk->find('\n')));
    CHECK(first["stream"] == "plan");
    CHECK(first["type"] == "PlanComputed");
  }

  SECTION("reconcilers are listed, and the artifact is served") {
    const json r = f.get_json("/v1/reconcilers");
    std::set<std::string> names;
    for (const auto& item : r["reconcilers"]) names.insert(item["name"].get<std::string>());
    CHECK(names == std::set<std::string>{"nodes", "mdm_quorum", "storage_pools", "sdc_mappings"});
    auto artifact = f.get("/v1/artifacts/scaleio-node");
    REQUIRE(artifact);
    CHECK(artifact->status == 200);
    CHECK(artifact->body.substr(0, 4) ==
          "\x7f"
          "ELF");
  }

  SECTION("/metrics carries the key series") {
    auto response = f.get("/metrics");
    REQUIRE(response);
    CHECK(response->status == 200);
    CHECK_THAT(response->header("content-type"), Catch::StartsWith("text/plain; version=0.0.4"));
    const std::string& text = response->body;
    CHECK(metric_value(text, "scaleio_operator_mesos_subscribed") == 1.0);
    CHECK(metric_value(text, "scaleio_operator_gateway_reachable") == 1.0);
    CHECK(metric_value(text, "scaleio_operator_eventlog_last_sequence").value_or(0) > 0);
    CHECK(metric_value(text, "scaleio_operator_build_info").value_or(0) == 1.0);
    CHECK(metric_value(text, "scaleio_operator_gateway_requests_total", "method=\"GET\"")
              .value_or(0) > 0);
    CHECK(
        metric_value(text, "scaleio_operator_eventlog_append_duration_seconds_count").value_or(0) >
        0);
    CHECK(
        metric_value(text, "scaleio_operator_reconcile_total", "reconciler=\"nodes\"").has_value());
  }
}

TEST_CASE("state-changing endpoints need the admin token") {
  OperatorFixture f;
  REQUIRE(f.start_operator());
  REQUIRE(f.wait_ready(60s));

  auto none = f.post("/v1/reconcilers/storage_pools/pause");
  REQUIRE(none);
  CHECK(none->status == 401);
  auto wrong = f.post("/v1/reconcilers/storage_pools/pause", "", bearer("not-the-token"));
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(wrong->body.find("not-the-token") == std::string::npos);

  auto unknown = f.post("/v1/reconcilers/nonesuch/pause", "", bearer(kAdminToken));
  REQUIRE(unknown);
  CHECK(unknown->status == 404);

  auto paused = f.post("/v1/reconcilers/storage_pools/pause", R"({"reason":"disk swap"})",
                       bearer(kAdminToken));
  REQUIRE(paused);
  CHECK(paused->status == 202);
  auto is_paused = [](bool want) {
    return [want](const json& j) {
      for (const auto& r : j["reconcilers"]) {
        if (r["name"] == "storage_pools") return r["paused"] == want;
      }
      return false;
    };
  };
  CHECK(is_paused(true)(f.wait_for("/v1/reconcilers", is_paused(true), 10s)));
  const json commands = f.get_json("/v1/events?type=OperatorCommand");
  REQUIRE(commands["events"].size() == 1);
  CHECK(commands["events"][0]["payload"]["reason"] == "disk swap");
  CHECK(commands["events"][0]["source"] == "operator");

  auto resumed = f.post("/v1/reconcilers/storage_pools/resume", "", bearer(kAdminToken));
  REQUIRE(resumed);
  CHECK(resumed->status == 202);
  CHECK(is_paused(false)(f.wait_for("/v1/reconcilers", is_paused(false), 10s)));
}

TEST_CASE("without a token file, state-changing endpoints are disabled") {
  OperatorFixture f;
  REQUIRE(f.start_operator({}, /*with_token=*/false));
  auto response = f.post("/v1/reconcilers/nodes/pause", "", bearer("anything"));
  REQUIRE(response);
  CHECK(response->status == 403);
  CHECK_THAT(response->body, Catch::Contains("--admin-token-file"));
}

TEST_CASE("SIGTERM drains and exits 0") {
  OperatorFixture f;
  auto op = f.start_operator();
  REQUIRE(op);
  REQUIRE(f.wait_ready(60s));
  f.operator_process()->process->kill(SIGTERM);
  CHECK(f.operator_process()->process->wait(20s) == 0);
}

TEST_CASE("at SIGTERM the daemon saves snapshots and the next start loads from them") {
  OperatorFixture f;
  const std::string log_path = f.dir().path() + "/operator.log";
  f.capture_operator_stderr(log_path);
  // The "eventlog" record with `message`, from the newest run first; empty when there is none.
  auto last_record = [&](const std::string& message) {
    std::ifstream in(log_path);
    std::string found;
    for (std::string line; std::getline(in, line);) {
      if (line.find(" eventlog: " + message + " ") != std::string::npos) found = line;
    }
    return found;
  };
  auto field = [](const std::string& line, const std::string& name) {
    const auto at = line.find(" " + name + "=");
    if (at == std::string::npos) return std::string();
    const auto from = at + name.size() + 2;
    return line.substr(from, line.find(' ', from) - from);
  };

  REQUIRE(f.start_operator());
  REQUIRE(f.wait_ready(60s));
  CHECK(field(last_record("loaded"), "from_snapshot") == "none");  // a new log
  f.operator_process()->process->kill(SIGTERM);
  REQUIRE(f.operator_process()->process->wait(20s) == 0);
  const std::string saved = field(last_record("snapshots saved"), "sequence");
  INFO("snapshots saved at " << saved);
  REQUIRE(std::stoull("0" + saved) > 0);

  REQUIRE(f.start_operator());
  const std::string loaded = last_record("loaded");
  INFO(loaded);
  CHECK(field(loaded, "from_snapshot") == "agents,mesos_tasks,scaleio-observed,action_journal");
  // Only what the observers appended in this start before the load is replayed.
  CHECK(field(loaded, "replayed_from") == saved);
  CHECK(std::stoull("0" + field(loaded, "events_replayed")) + std::stoull(saved) ==
        std::stoull("0" + field(loaded, "last_sequence")));
}

TEST_CASE("a bad setting is refused at start-up with exit code 2 and names the setting") {
  SECTION("no gateway") {
    ChildProcess p({SCALEIO_OPERATOR_BINARY, "--master", "127.0.0.1:1", "--data-dir", "/tmp/x"});
    CHECK(p.wait(10s) == 2);
  }
  SECTION("a password file that does not exist") {
    OperatorFixture f;
    auto args = f.base_args();
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--gateway-password-file") args[i + 1] = "/nonexistent/password";
    }
    ChildProcess p(args);
    CHECK(p.wait(10s) == 2);
  }
}

namespace {

bool converged(const json& drift) {
  return drift.value("converged", false);
}

// Names of one kind of ScaleIO object in the simulated world, with duplicates kept.
std::multiset<std::string> names_of(const json& world, const std::string& list) {
  std::multiset<std::string> out;
  for (const auto& o : world["scaleio"][list]) out.insert(o.value("name", std::string()));
  return out;
}

bool no_duplicates(const std::multiset<std::string>& names) {
  return std::set<std::string>(names.begin(), names.end()).size() == names.size();
}

}  // namespace

TEST_CASE("the daemon converges a six-node simulated cluster from empty") {
  OperatorFixture f;
  REQUIRE(f.start_operator());
  const json drift = f.wait_for("/v1/drift", converged, 300s);
  INFO(drift.dump(1));
  REQUIRE(converged(drift));

  const json world = f.world();
  CHECK(world["scaleio"]["mdmClusterAvailable"] == true);
  CHECK(world["scaleio"]["System"]["mdmCluster"]["clusterState"] == "ClusteredNormal");
  CHECK(names_of(world, "protectionDomainList").size() == 2);
  CHECK(no_duplicates(names_of(world, "sdsList")));
  CHECK(no_duplicates(names_of(world, "volumeList")));
  CHECK(names_of(world, "volumeList").size() >= 1);
  // Every node task runs; nothing was launched twice for a host.
  const json state = f.get_json("/v1/state");
  std::map<std::string, int> running_per_host;
  for (const auto& task : state["tasks"]) {
    const std::string id = task["taskId"];
    if (id.rfind("scaleio-node.", 0) == 0 && task["state"] == "TASK_RUNNING") {
      ++running_per_host[id.substr(13, id.find('.', 13) - 13)];
    }
  }
  CHECK(running_per_host.size() == 6);
  for (const auto& [host, n] : running_per_host) CHECK(n == 1);

  auto metrics = f.get("/metrics");
  REQUIRE(metrics);
  CHECK(metric_value(metrics->body, "scaleio_operator_converged") == 1.0);
  CHECK(metric_value(metrics->body, "scaleio_operator_mdm_quorum_healthy") == 1.0);
}

TEST_CASE("SIGKILLed mid-convergence and restarted, the daemon creates nothing twice") {
  OperatorFixture f;
  REQUIRE(f.start_operator());
  // Kill it once the storage reconciler has begun acting, in the middle of the work.
  const json acting = f.wait_for(
      "/v1/events?type=ActionStarted&limit=1000",
      [](const json& j) {
        for (const auto& e : j["events"]) {
          if (e["payload"]["reconciler"] == "storage_pools") return true;
        }
        return false;
      },
      240s);
  REQUIRE(acting["events"].size() > 0);
  const std::string framework = f.get_json("/v1/state")["frameworkId"];
  f.operator_process()->process->kill(SIGKILL);
  REQUIRE(f.operator_process()->process->wait(10s) == 128 + SIGKILL);

  REQUIRE(f.start_operator());
  const json drift = f.wait_for("/v1/drift", converged, 300s);
  INFO(drift.dump(1));
  REQUIRE(converged(drift));
  // The same framework (its tasks were kept), and no ScaleIO object twice.
  CHECK(f.get_json("/v1/state")["frameworkId"] == framework);
  const json world = f.world();
  CHECK(no_duplicates(names_of(world, "protectionDomainList")));
  CHECK(no_duplicates(names_of(world, "storagePoolList")));
  CHECK(no_duplicates(names_of(world, "sdsList")));
  CHECK(no_duplicates(names_of(world, "volumeList")));
  CHECK(names_of(world, "sdsList").size() >= 6);
}
