// MDM cluster bring-up (scli verbs and REST actions) and cluster state following member health.
#include <catch2/catch.hpp>

#include "gateway_fixture.h"

namespace scaleio::sim::testing {

namespace {
json cluster_of(GatewayFixture& f) {
  const HttpResponse response = f.get("/api/types/System/instances");
  INFO(response.body());
  REQUIRE(response.result_int() == 200);
  return GatewayFixture::body_of(response)[0].at("mdmCluster");
}
}  // namespace

TEST_CASE("create-cluster fails in scli form on a node without the MDM package") {
  GatewayFixture f;
  f.install("data1", "10.0.0.9", {"sds", "sdc"});
  auto result = f.world.run_mdm_command(
      "data1", {"mdm", "create-cluster", "--master-ip", "10.0.0.9", "--master-name", "m"});
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().rfind("Error: MDM failed command.  Status: ", 0) == 0);
  CHECK(result.status().message().find("10.0.0.9") != std::string::npos);
  CHECK_FALSE(f.world.mdm_cluster().has_value());
}

TEST_CASE("a created cluster is OneNode with the master described as 2.0 gateways do") {
  GatewayFixture f;
  f.install("mdm1", "10.0.0.1", {"mdm"});
  auto created = f.world.run_mdm_command(
      "mdm1", {"mdm", "create-cluster", "--master-ip", "10.0.0.1", "--master-name", "mdm1"});
  REQUIRE(created.ok());
  const json cluster = cluster_of(f);
  CHECK(cluster.at("clusterMode") == "OneNode");
  CHECK(cluster.at("clusterState") == "NotClustered");
  CHECK(cluster.at("master").at("name") == "mdm1");
  CHECK(cluster.at("master").at("ips") == json::array({"10.0.0.1"}));
  CHECK(cluster.at("master").at("port") == 9011);
  CHECK(cluster.at("master").at("role") == "Manager");
  CHECK(cluster.at("master").at("status") == "Normal");
  CHECK(cluster.at("slaves").empty());
  CHECK(cluster.at("tieBreakers").empty());
  // Creating again is refused in scli form (clients adopt the existing cluster instead).
  auto again = f.world.run_mdm_command(
      "mdm1", {"mdm", "create-cluster", "--master-ip", "10.0.0.1", "--master-name", "mdm1"});
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().message().rfind("Error: MDM failed command.  Status: ", 0) == 0);
}

TEST_CASE("scli verbs build a ThreeNodes cluster in ClusteredNormal") {
  GatewayFixture f;
  f.three_node_cluster();
  const json cluster = cluster_of(f);
  CHECK(cluster.at("clusterMode") == "ThreeNodes");
  CHECK(cluster.at("clusterState") == "ClusteredNormal");
  CHECK(cluster.at("goodNodesNum") == 3);
  CHECK(cluster.at("goodReplicasNum") == 2);
  CHECK(cluster.at("master").at("name") == "mdm1");
  REQUIRE(cluster.at("slaves").size() == 1);
  CHECK(cluster.at("slaves")[0].at("name") == "mdm2");
  REQUIRE(cluster.at("tieBreakers").size() == 1);
  CHECK(cluster.at("tieBreakers")[0].at("role") == "TieBreaker");
  CHECK(f.world.run_mdm_command("mdm1", {"mdm", "set-password", "--new-password", "x"}).ok());
}

TEST_CASE("cluster state follows MDM and tie-breaker health, with master failover") {
  GatewayFixture f;
  f.three_node_cluster();
  REQUIRE(f.world.fail_component("tb1", "tb").ok());
  CHECK(cluster_of(f).at("clusterState") == "ClusteredTiebreakerDown");
  CHECK(cluster_of(f).at("tieBreakers")[0].at("status") == "Disconnected");
  REQUIRE(f.world.restore_component("tb1", "tb").ok());
  CHECK(cluster_of(f).at("clusterState") == "ClusteredNormal");

  REQUIRE(f.world.fail_component("mdm2", "mdm").ok());
  CHECK(cluster_of(f).at("clusterState") == "ClusteredDegraded");
  CHECK(cluster_of(f).at("goodNodesNum") == 2);
  REQUIRE(f.world.restore_component("mdm2", "mdm").ok());

  // The master fails: the slave takes over, the cluster keeps quorum (2 of 3).
  f.world.node_down("mdm1");
  json cluster = cluster_of(f);
  CHECK(cluster.at("master").at("name") == "mdm2");
  CHECK(cluster.at("clusterState") == "ClusteredDegraded");
  f.world.node_up("mdm1");
  cluster = cluster_of(f);
  CHECK(cluster.at("clusterState") == "ClusteredNormal");
  CHECK(cluster.at("master").at("name") == "mdm2");

  // Two of three down: no quorum, the gateway can reach no MDM.
  REQUIRE(f.world.fail_component("mdm1", "mdm").ok());
  REQUIRE(f.world.fail_component("tb1", "tb").ok());
  const HttpResponse response = f.get("/api/types/System/instances");
  CHECK(response.result_int() == 500);
  CHECK(GatewayFixture::body_of(response).at("message") == "Could not connect to the MDM cluster");
  REQUIRE(f.world.restore_component("tb1", "tb").ok());
  CHECK(cluster_of(f).at("clusterState") == "ClusteredDegraded");
}

TEST_CASE("REST MDM actions add standbys, switch mode and query the cluster") {
  GatewayFixture f;
  f.install("mdm1", "10.0.0.1", {"mdm"});
  f.install("mdm2", "10.0.0.2", {"mdm"});
  f.install("tb1", "10.0.0.3", {"tb"});
  f.install("data", "10.0.0.4", {"sds"});
  REQUIRE(f.world.create_cluster("10.0.0.1", "mdm1").ok());
  const std::string system = "/api/instances/System::" + f.system_id();

  HttpResponse response = f.post(system + "/action/addStandbyMdm",
                                 {{"ips", {"10.0.0.4"}}, {"role", "Manager"}, {"name", "x"}});
  CHECK(response.result_int() == 500);  // no MDM package on that node
  CHECK(GatewayFixture::body_of(response).at("message").get<std::string>().find("10.0.0.4") !=
        std::string::npos);

  response = f.post(system + "/action/addStandbyMdm", {{"role", "Manager"}});
  CHECK(response.result_int() == 400);
  CHECK(GatewayFixture::body_of(response).at("message").get<std::string>().find(
            "must be part of the request body: ips") != std::string::npos);

  response = f.post(system + "/action/addStandbyMdm",
                    {{"ips", {"10.0.0.2"}}, {"role", "Manager"}, {"name", "mdm2"}});
  REQUIRE(response.result_int() == 200);
  const std::string slave = GatewayFixture::body_of(response).at("id");
  CHECK(slave.size() == 16);
  response = f.post(system + "/action/addStandbyMdm",
                    {{"ips", {"10.0.0.3"}}, {"role", "TieBreaker"}, {"name", "tb1"}});
  REQUIRE(response.result_int() == 200);
  const std::string tb = GatewayFixture::body_of(response).at("id");

  response = f.post("/api/instances/System/queryMdmCluster", json::object());
  REQUIRE(response.result_int() == 200);
  CHECK(GatewayFixture::body_of(response).at("standbyMDMs").size() == 2);

  // ThreeNodes with only the slave: the shape is wrong and nothing changes.
  response = f.post(system + "/action/switchClusterMode",
                    {{"mode", "ThreeNodes"}, {"addSlaveMdmIdList", {slave}}});
  CHECK(response.result_int() == 500);
  CHECK(cluster_of(f).at("clusterMode") == "OneNode");

  response =
      f.post(system + "/action/switchClusterMode",
             {{"mode", "ThreeNodes"}, {"addSlaveMdmIdList", {slave}}, {"addTBIdList", {tb}}});
  REQUIRE(response.result_int() == 200);
  CHECK(response.body().empty());
  CHECK(cluster_of(f).at("clusterMode") == "ThreeNodes");
  CHECK(cluster_of(f).at("clusterState") == "ClusteredNormal");

  // A member of the cluster is not a standby: removal refused until the mode is switched back.
  response = f.post(system + "/action/removeStandbyMdm", {{"id", tb}});
  CHECK(response.result_int() == 500);
  response =
      f.post(system + "/action/switchClusterMode",
             {{"mode", "OneNode"}, {"removeSlaveMdmIdList", {slave}}, {"removeTBIdList", {tb}}});
  REQUIRE(response.result_int() == 200);
  response = f.post(system + "/action/removeStandbyMdm", {{"id", tb}});
  CHECK(response.result_int() == 200);
  CHECK(cluster_of(f).at("standbyMDMs").size() == 1);
}

TEST_CASE("a mode switch that would lose quorum is refused") {
  GatewayFixture f;
  f.install("mdm1", "10.0.0.1", {"mdm"});
  f.install("mdm2", "10.0.0.2", {"mdm"});
  f.install("tb1", "10.0.0.3", {"tb"});
  REQUIRE(f.world.create_cluster("10.0.0.1", "mdm1").ok());
  auto slave = f.world.add_standby_mdm({"10.0.0.2"}, MdmRole::kManager, "mdm2");
  auto tb = f.world.add_standby_mdm({"10.0.0.3"}, MdmRole::kTieBreaker, "tb1");
  REQUIRE(slave.ok());
  REQUIRE(tb.ok());
  REQUIRE(f.world.fail_component("tb1", "tb").ok());
  ScaleioWorld::ModeChange change;
  change.mode = ClusterMode::kThreeNodes;
  change.add_slaves = {slave.value()};
  change.add_tie_breakers = {tb.value()};
  auto switched = f.world.switch_cluster_mode(change);
  REQUIRE_FALSE(switched.ok());  // the tie-breaker is down
  CHECK(f.world.mdm_cluster()->mode == ClusterMode::kOneNode);
}

TEST_CASE("ids are 16 hex characters and the same seed gives the same ids") {
  auto build = [](uint64_t seed) {
    ManualClock clock;
    ScaleioWorld world(clock, std::mt19937_64(seed));
    world.node_installed(NodeInstall{"mdm1", "10.0.0.1", {"mdm"}, {}});
    auto id = world.create_cluster("10.0.0.1", "mdm1");
    REQUIRE(id.ok());
    auto pd = world.add_protection_domain("pd1");
    REQUIRE(pd.ok());
    return id.value() + pd.value() + world.system_id();
  };
  const std::string a = build(1);
  CHECK(a == build(1));
  CHECK(a != build(2));
  CHECK(a.size() == 48);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
}

TEST_CASE("adopt loads an existing cluster with settled storage and mappings") {
  GatewayFixture f;
  f.install("n1", "10.0.0.1", {"mdm", "sds", "sdc"});
  f.install("n2", "10.0.0.2", {"mdm", "sds", "sdc"});
  f.install("n3", "10.0.0.3", {"tb", "sds", "sdc"});
  const json cluster = json::parse(R"({
    "system_name": "prod",
    "mdm": {"mode": "ThreeNodes", "members": [
      {"name": "m1", "ip": "10.0.0.1", "role": "Manager", "master": true},
      {"name": "m2", "ip": "10.0.0.2", "role": "Manager"},
      {"name": "t1", "ip": "10.0.0.3", "role": "TieBreaker"}]},
    "protection_domains": [{"name": "pd1", "fault_sets": ["rack1"],
                            "storage_pools": [{"name": "sp1"}]}],
    "sds": [{"name": "s1", "ip": "10.0.0.1", "protection_domain": "pd1", "fault_set": "rack1",
             "devices": [{"path": "/dev/sdb", "storage_pool": "sp1", "capacity_gb": 100}]},
            {"name": "s2", "ip": "10.0.0.2", "protection_domain": "pd1",
             "devices": [{"path": "/dev/sdb", "storage_pool": "sp1", "capacity_gb": 100}]}],
    "volumes": [{"name": "v1", "protection_domain": "pd1", "storage_pool": "sp1",
                 "size_gb": 10, "type": "thin", "mapped_to": ["n3"]}]})");
  const Status adopted = f.world.adopt(cluster);
  INFO(adopted.to_string());
  REQUIRE(adopted.ok());
  const json system = f.body_of(f.get("/api/types/System/instances"))[0];
  CHECK(system.at("name") == "prod");
  CHECK(system.at("mdmCluster").at("clusterState") == "ClusteredNormal");
  const json sds = f.body_of(f.get("/api/types/Sds/instances"));
  REQUIRE(sds.size() == 2);
  CHECK(sds[0].at("membershipState") == "Joined");
  const json volumes = f.body_of(f.get("/api/types/Volume/instances"));
  REQUIRE(volumes.size() == 1);
  CHECK(volumes[0].at("sizeInKb") == 16 * kKbPerGb);
  REQUIRE(volumes[0].at("mappedSdcInfo").size() == 1);
  CHECK(volumes[0].at("mappedSdcInfo")[0].at("sdcIp") == "10.0.0.3");
  CHECK(f.world.sdcs().size() == 3);
  CHECK_FALSE(f.world.adopt(cluster).ok());  // only once
}

}  // namespace scaleio::sim::testing
