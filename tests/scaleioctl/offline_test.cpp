// The real scaleioctl binary against a real log (--data-dir), read while its writer is open.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "tests/scaleioctl/cluster_log.h"
#include "tests/scaleioctl/run_binary.h"
#include "tests/support/child_process.h"

namespace scaleio::ctl::testing {

namespace {

using nlohmann::json;

BinaryRun ctl(ClusterLog& cluster, std::vector<std::string> args) {
  args.insert(args.begin(), {"--data-dir", cluster.path()});
  return run_scaleioctl(args);
}

json parse(const BinaryRun& run) {
  INFO(run.out << run.err);
  json j = json::parse(run.out, nullptr, false);
  REQUIRE_FALSE(j.is_discarded());
  return j;
}

std::vector<std::string> types_of(const json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["type"].get<std::string>());
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("offline: events lists the log and filters by stream, type, from and limit") {
  ClusterLog cluster;
  SECTION("all, as a table with headers") {
    auto run = ctl(cluster, {"events"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(contains(run.out, "SEQ"));
    CHECK(contains(run.out, "AgentObserved"));
    CHECK(contains(run.out, "2026-11-25 03:00:00"));
    CHECK(contains(run.out, "VolumeObserved"));
  }
  SECTION("--type") {
    auto j = parse(ctl(cluster, {"events", "--type", "ActionSucceeded", "-o", "json"}));
    REQUIRE(j["events"].size() == 1);
    CHECK(j["events"][0]["payload"]["target"] == "pool/pd1/sp1");
    CHECK(j["lastSequence"] == cluster.last);
  }
  SECTION("--stream") {
    auto j = parse(ctl(cluster, {"events", "--stream", "node/host-2", "-o", "json"}));
    REQUIRE(j["events"].size() == 1);
    CHECK(j["events"][0]["payload"]["hostname"] == "host-2");
  }
  SECTION("--from and --limit") {
    auto j = parse(ctl(cluster, {"events", "--from", "5", "--limit", "2", "-o", "json"}));
    REQUIRE(j["events"].size() == 2);
    CHECK(j["events"][0]["sequence"] == 5);
    CHECK(j["events"][1]["sequence"] == 6);
    CHECK(j["next"] == 7);
  }
  SECTION("--since keeps only recent events") {
    const int64_t now = SystemClock::instance().now_unix_ms();
    events::Envelope e;
    e.mutable_gateway_unreachable()->set_error("connection refused");
    const uint64_t old_one = cluster.append_at("scaleio/gateway", e, now - 3 * 3'600'000);
    e.mutable_gateway_reachable()->set_version("2.0.14000");
    const uint64_t recent = cluster.append_at("scaleio/gateway", e, now - 3'600'000);
    auto j = parse(ctl(cluster, {"events", "--since", "2h", "-o", "json"}));
    REQUIRE(j["events"].size() == 1);
    CHECK(j["events"][0]["sequence"] == recent);
    CHECK(recent == old_one + 1);
  }
}

TEST_CASE("offline: events --follow prints what the daemon appends after it started") {
  ClusterLog cluster;
  const uint64_t first_new = cluster.last + 1;
  scaleio::testing::ChildProcess child({SCALEIOCTL_BINARY, "--data-dir", cluster.path(), "-o",
                                        "json", "events", "--follow", "--from",
                                        std::to_string(first_new), "--limit", "2"});
  events::Envelope e;
  e.mutable_gateway_unreachable()->set_error("timeout");
  cluster.append("scaleio/gateway", e);
  auto line = child.read_line(std::chrono::seconds(20));
  REQUIRE(line);
  CHECK(json::parse(*line)["sequence"] == first_new);
  e.mutable_gateway_reachable()->set_version("2.0.14000");
  cluster.append("scaleio/gateway", e);
  line = child.read_line(std::chrono::seconds(20));
  REQUIRE(line);
  CHECK(json::parse(*line)["type"] == "GatewayReachable");
  CHECK(child.wait(std::chrono::seconds(20)) == 0);  // --limit 2 ends the follow
}

TEST_CASE("offline: plan shows each host and no plan errors") {
  ClusterLog cluster;
  auto run = ctl(cluster, {"plan"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.out, "MDM cluster: 3 nodes, primary host-1"));
  CHECK(contains(run.out, "host-3"));
  CHECK(contains(run.out, "pd1/sp1(/dev/sdb)"));
  CHECK(contains(run.out, "data1"));
  CHECK(contains(run.out, "PLAN ERRORS\nnone"));
  CHECK(run.err.empty());  // the plan matches what the daemon would record: no warning

  auto j = parse(ctl(cluster, {"plan", "-o", "json"}));
  CHECK(j["plan"]["nodes"].size() == 3);
  CHECK(j["plan"]["problems"].empty());
  CHECK(j["asOfSequence"] == cluster.last);
  CHECK(j["contentHash"].get<std::string>().size() == 16);
}

TEST_CASE("offline: plan warns when the daemon recorded another plan, and --config fixes it") {
  ClusterLog cluster;
  auto recorded = [&](const std::string& hash) {
    events::Envelope e;
    e.set_source(events::SOURCE_SYSTEM);
    e.mutable_plan_computed()->set_content_hash(hash);
    cluster.append("plan", e);
  };
  const std::string computed = parse(ctl(cluster, {"plan", "-o", "json"}))["contentHash"];
  recorded(computed);
  CHECK(ctl(cluster, {"plan"}).err.empty());

  // The daemon adopted an existing MDM cluster (--mdm-ips): its plan differs from the default.
  scaleio::testing::TempDir dir;
  std::ofstream(dir.sub("operator.json"))
      << R"({"mdm-ips": "10.0.0.11,10.0.0.12", "master": "zk://x", "log-level": "debug"})";
  const std::string adopted = parse(
      ctl(cluster, {"--config", dir.sub("operator.json"), "plan", "-o", "json"}))["contentHash"];
  REQUIRE(adopted != computed);
  recorded(adopted);
  auto without = ctl(cluster, {"plan"});
  CHECK(without.exit_code == 0);
  CHECK(contains(without.err, "warning"));
  CHECK(contains(without.err, "--config"));
  auto with = ctl(cluster, {"--config", dir.sub("operator.json"), "plan"});
  CHECK(with.exit_code == 0);
  CHECK(with.err.empty());
  CHECK(contains(with.out, "adopted: 10.0.0.11,10.0.0.12"));

  auto bad = ctl(cluster, {"--config", dir.sub("missing.json"), "plan"});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, dir.sub("missing.json")));
}

TEST_CASE("offline: status shows the MDM cluster, pools with capacity, SDSs, SDCs, volumes") {
  ClusterLog cluster;
  auto run = ctl(cluster, {"status"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.out, "ThreeNodes ClusteredNormal"));
  CHECK(contains(run.out, "Mesos framework fw-1"));
  CHECK(contains(run.out, "300.0 GiB"));
  CHECK(contains(run.out, "sds-host-2"));
  CHECK(contains(run.out, "sdc-host-3"));
  CHECK(contains(run.out, "data1"));
  CHECK_FALSE(contains(run.out, "\033["));  // not a terminal: no colour

  auto j = parse(ctl(cluster, {"status", "-o", "json"}));
  REQUIRE(j["scaleio"]["storagePools"].size() == 1);
  CHECK(j["scaleio"]["storagePools"][0]["name"] == "sp1");
  CHECK(j["scaleio"]["storagePools"][0]["protectionDomainName"] == "pd1");
  CHECK(j["scaleio"]["sdss"].size() == 3);
  CHECK(j["agents"].size() == 3);
  CHECK(j["frameworkId"] == "fw-1");
}

TEST_CASE("offline: drift exits 0 when converged and 1 when an object is missing") {
  SECTION("converged") {
    ClusterLog cluster;
    auto run = ctl(cluster, {"drift"});
    INFO(run.out << run.err);
    CHECK(run.exit_code == 0);
    CHECK(contains(run.out, "converged"));
    auto j = parse(ctl(cluster, {"drift", "-o", "json"}));
    CHECK(j["converged"] == true);
    CHECK(j["observed"].empty());
  }
  SECTION("the SDC of host-3 was never observed") {
    ClusterLog cluster(ClusterOptions{.observe_sdc_of_host3 = false});
    auto run = ctl(cluster, {"drift"});
    INFO(run.out << run.err);
    CHECK(run.exit_code == 1);
    CHECK(contains(run.out, "sdc/host-3"));
    CHECK(contains(run.out, "missing"));
    auto json_run = ctl(cluster, {"drift", "-o", "json"});
    CHECK(json_run.exit_code == 1);
    auto j = parse(json_run);
    CHECK(j["converged"] == false);
    REQUIRE(j["observed"].size() == 1);
    CHECK(j["observed"][0]["resource"] == "sdc/host-3");
  }
  SECTION("an action in backoff is drift too") {
    ClusterLog cluster;
    events::Envelope failed;
    auto* f = failed.mutable_action_failed();
    f->set_reconciler("sdc_mappings");
    f->set_action("map_volume");
    f->set_target("mapping/data1/host-2");
    f->set_code("UNAVAILABLE");
    f->set_error("gateway timeout");
    f->set_attempt(2);
    f->set_next_attempt_unix_ms(SystemClock::instance().now_unix_ms() + 3'600'000);
    cluster.append("reconciler/sdc_mappings", failed);
    auto j = parse(ctl(cluster, {"drift", "-o", "json"}));
    CHECK(j["converged"] == false);
    REQUIRE(j["reconcilers"]["sdc_mappings"].size() == 1);
    CHECK(j["reconcilers"]["sdc_mappings"][0]["kind"] == "backoff");
    auto r = parse(ctl(cluster, {"reconcilers", "-o", "json"}));
    bool found = false;
    for (const auto& rec : r["reconcilers"]) {
      if (rec["name"] == "sdc_mappings") found = rec["backoff"].size() == 1;
    }
    CHECK(found);
  }
}

TEST_CASE("offline: history of a pool is its observations and the actions on it") {
  ClusterLog cluster;
  auto j = parse(ctl(cluster, {"history", "pool/pd1/sp1", "-o", "json"}));
  CHECK(types_of(j["events"]) ==
        std::vector<std::string>{"ActionStarted", "StoragePoolObserved", "ActionSucceeded"});
  CHECK(j["events"][1]["sequence"] == cluster.pool_created);

  auto run = ctl(cluster, {"history", "pool/pd1/sp1"});
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.out, "create_storage_pool"));
}

TEST_CASE("offline: history of a host is its agent, its SDS and SDC, and the MDM cluster") {
  ClusterLog cluster;
  auto j = parse(ctl(cluster, {"history", "host-2", "-o", "json"}));
  CHECK(types_of(j["events"]) == std::vector<std::string>{"AgentObserved", "MdmClusterObserved",
                                                          "SdsObserved", "SdcObserved"});
  for (const auto& e : j["events"]) {
    if (e["type"] == "SdsObserved") CHECK(e["payload"]["name"] == "sds-host-2");
  }
  auto volume = parse(ctl(cluster, {"history", "volume/data1", "-o", "json"}));
  CHECK(types_of(volume["events"]) == std::vector<std::string>{"VolumeObserved"});

  auto bad = ctl(cluster, {"history", "widget/x"});
  CHECK(bad.exit_code == 2);
  CHECK(contains(bad.err, "unknown kind 'widget'"));
}

TEST_CASE("offline: at SEQ|TIME shows the state as it was then") {
  ClusterLog cluster;
  SECTION("by sequence: the volume observed later is absent") {
    auto j =
        parse(ctl(cluster, {"at", std::to_string(cluster.before_volume), "status", "-o", "json"}));
    CHECK(j["asOfSequence"] == cluster.before_volume);
    CHECK(j["scaleio"]["volumes"].empty());
    CHECK(j["scaleio"]["storagePools"].size() == 1);

    auto now = parse(ctl(cluster, {"status", "-o", "json"}));
    CHECK(now["scaleio"]["volumes"].size() == 1);

    auto drift = ctl(cluster, {"at", std::to_string(cluster.before_volume), "drift"});
    CHECK(drift.exit_code == 1);
    CHECK(contains(drift.out, "volume/data1"));
  }
  SECTION("by time: the last event at or before it") {
    // Event n is at 03:(n-1); 03:12:30 falls between events 13 and 14.
    auto j = parse(ctl(cluster, {"at", "2026-11-25T03:12:30Z", "status", "-o", "json"}));
    CHECK(j["asOfSequence"] == 13);
    CHECK(j["scaleio"]["sdcs"].empty());
    CHECK(j["scaleio"]["sdss"].size() == 3);
  }
  SECTION("before the first event, or past the last, is an error") {
    auto early = ctl(cluster, {"at", "2026-11-24T00:00:00Z", "status"});
    CHECK(early.exit_code == 2);
    CHECK(contains(early.err, "no event at or before"));
    auto late = ctl(cluster, {"at", "999", "plan"});
    CHECK(late.exit_code == 2);
    CHECK(contains(late.err, "no event 999"));
    auto garbage = ctl(cluster, {"at", "yesterday", "plan"});
    CHECK(garbage.exit_code == 2);
    CHECK(contains(garbage.err, "'yesterday' is not a moment"));
  }
}

TEST_CASE("offline: errors exit 2 and say what was wrong") {
  ClusterLog cluster;
  SECTION("a bad flag is named") {
    auto run = ctl(cluster, {"events", "--bogus"});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, "--bogus"));
  }
  SECTION("a bad --since is named") {
    auto run = ctl(cluster, {"events", "--since", "fortnight"});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, "--since"));
  }
  SECTION("a missing data dir") {
    auto run = run_scaleioctl({"--data-dir", cluster.path() + "-nope", "status"});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, cluster.path() + "-nope"));
    CHECK(contains(run.err, "does not exist"));
  }
  SECTION("pause is refused offline, pointing at --server") {
    auto run = ctl(cluster, {"reconcilers", "pause", "nodes"});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, "single writer"));
    CHECK(contains(run.err, "--server"));
  }
  SECTION("--help works on every command and exits 0") {
    for (const char* command :
         {"events", "drift", "plan", "status", "history", "at", "reconcilers"}) {
      auto run = run_scaleioctl({command, "--help"});
      INFO(command);
      CHECK(run.exit_code == 0);
      CHECK(contains(run.out, "Usage"));
    }
  }
}

}  // namespace scaleio::ctl::testing
