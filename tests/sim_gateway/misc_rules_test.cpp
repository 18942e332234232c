// Smaller rules: scli argument handling, SDC removal, scoped name lookups, SDS relationships.
#include <catch2/catch.hpp>

#include "gateway_fixture.h"

namespace scaleio::sim::testing {

TEST_CASE("scli verbs: unknown verbs, missing flags and unknown members") {
  GatewayFixture f;
  f.install("mdm1", "10.0.0.1", {"mdm"});
  auto result = f.world.run_mdm_command("mdm1", {"mdm", "explode"});
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  result = f.world.run_mdm_command("mdm1", {"mdm", "create-cluster", "--master-ip", "10.0.0.1"});
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  result = f.world.run_mdm_command("ghost", {"mdm", "set-password"});
  CHECK(result.status().code() == StatusCode::kNotFound);
  // Before a cluster exists, MDM verbs other than create-cluster fail in scli form.
  result = f.world.run_mdm_command(
      "mdm1", {"mdm", "add-standby", "--ip", "10.0.0.2", "--role", "manager", "--name", "m2"});
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().rfind("Error: MDM failed command.  Status: ", 0) == 0);
  REQUIRE(f.world
              .run_mdm_command("mdm1", {"scaleio-node", "mdm", "create-cluster", "--master-ip",
                                        "10.0.0.1", "--master-name", "mdm1"})
              .ok());
  result = f.world.run_mdm_command(
      "mdm1", {"mdm", "switch-mode", "--mode", "3_node", "--add-slaves", "nobody"});
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().find("nobody") != std::string::npos);
  // A standby on a node without any MDM package is refused, naming the IP.
  f.install("data", "10.0.0.4", {"sds"});
  result = f.world.run_mdm_command(
      "mdm1", {"mdm", "add-standby", "--ip", "10.0.0.4", "--role", "tb", "--name", "t"});
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().find("10.0.0.4") != std::string::npos);
}

TEST_CASE("removeSdc refuses a mapped SDC; a still-connected SDC registers again") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  const std::string v =
      f.create("Volume", {{"storagePoolId", pool}, {"volumeSizeInKb", "8388608"}, {"name", "v"}});
  const std::string sdc = f.sdc_id_of("10.0.0.1");
  REQUIRE(f.post("/api/instances/Volume::" + v + "/action/addMappedSdc", {{"sdcId", sdc}})
              .result_int() == 200);
  CHECK(f.post("/api/instances/Sdc::" + sdc + "/action/removeSdc", {}).result_int() == 500);
  REQUIRE(f.post("/api/instances/Volume::" + v + "/action/removeMappedSdc", {{"sdcId", sdc}})
              .result_int() == 200);
  f.world.node_down("mdm1");
  CHECK(f.post("/api/instances/Sdc::" + sdc + "/action/removeSdc", {}).result_int() == 200);
  CHECK(f.get("/api/instances/Sdc::" + sdc).result_int() == 500);
  f.world.node_up("mdm1");
  const std::string again = f.sdc_id_of("10.0.0.1");
  CHECK(again != sdc);
}

TEST_CASE("queryIdByKey scopes pool names by protection domain") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string pd1 = f.create("ProtectionDomain", {{"name", "pd1"}});
  const std::string pd2 = f.create("ProtectionDomain", {{"name", "pd2"}});
  f.create("StoragePool", {{"name", "sp"}, {"protectionDomainId", pd1}});
  const std::string sp2 = f.create("StoragePool", {{"name", "sp"}, {"protectionDomainId", pd2}});
  const HttpResponse response = f.post("/api/types/StoragePool/instances/action/queryIdByKey",
                                       {{"name", "sp"}, {"protectionDomainId", pd2}});
  CHECK(GatewayFixture::body_of(response) == sp2);
}

TEST_CASE("SDS relationships and a down node's SDS is disconnected") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  const json sdss =
      f.body_of(f.get("/api/instances/ProtectionDomain::" + pd + "/relationships/Sds"));
  REQUIRE(sdss.size() == 3);
  CHECK(f.body_of(f.get("/api/instances/StoragePool::" + pool + "/relationships/Device")).size() ==
        3);
  f.world.node_down("tb1");
  int connected = 0;
  for (const auto& sds : f.body_of(f.get("/api/types/Sds/instances"))) {
    connected += sds.at("mdmConnectionState") == "Connected";
  }
  CHECK(connected == 2);
  CHECK(f.get("/api/instances/Volume::0123456789abcdef/relationships/Sds").result_int() == 500);
}

TEST_CASE("to_json exposes nodes, objects and pool statistics for the control API") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  REQUIRE(f.world.fail_component("tb1", "tb").ok());
  const json state = f.world.to_json();
  CHECK(state.at("nodes").size() == 3);
  CHECK(state.at("System").at("mdmCluster").at("clusterState") == "ClusteredTiebreakerDown");
  CHECK(state.at("mdmClusterAvailable") == true);
  CHECK(state.at("storagePoolStatistics").at(pool).at("maxCapacityInKb") == 300 * kKbPerGb);
  CHECK(state.at("sdsList").size() == 3);
}

}  // namespace scaleio::sim::testing
