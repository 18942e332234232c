// Removing an SDS: a rebalance that takes simulated time, refused when the rest cannot hold the
// data.
#include <catch2/catch.hpp>

#include "gateway_fixture.h"

namespace scaleio::sim::testing {

TEST_CASE("removing an SDS rebalances for base + data/rate of simulated time") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  // 30 GB thick -> 60 GB of data, 20 GB per SDS; at 200 MB/s that is 102.4 s plus 30 s base.
  f.create("Volume", {{"storagePoolId", pool},
                      {"volumeSizeInKb", std::to_string(24 * kKbPerGb)},
                      {"volumeType", "ThickProvisioned"},
                      {"name", "v"}});
  const std::string sds = f.world.sdss().begin()->first;
  const HttpResponse response = f.post("/api/instances/Sds::" + sds + "/action/removeSds", {});
  REQUIRE(response.result_int() == 200);
  json object = f.body_of(f.get("/api/instances/Sds::" + sds));
  CHECK(object.at("sdsState") == "RemovePending");
  // Its capacity no longer counts while data moves off it.
  CHECK(f.world.pool_capacity(pool).max_kb == 200 * kKbPerGb);
  CHECK(f.post("/api/instances/Sds::" + sds + "/action/removeSds", {}).result_int() == 500);

  const auto data_kb = 16 * kKbPerGb;  // 48 GB in use / 3 SDSs
  const auto due =
      std::chrono::seconds(30) + std::chrono::milliseconds(data_kb * 1000 / (200 * 1024));
  f.advance(due - std::chrono::seconds(1));
  CHECK(f.get("/api/instances/Sds::" + sds).result_int() == 200);
  f.advance(std::chrono::seconds(2));
  CHECK(f.get("/api/instances/Sds::" + sds).result_int() == 500);
  CHECK(f.world.sdss().size() == 2);
  CHECK(f.world.devices().size() == 2);
}

TEST_CASE("removing an SDS fails when the remaining capacity cannot hold the data") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  // 96 GB thick = 192 GB of data; without one SDS only 200 - 20 (spare) = 180 GB remain.
  f.create("Volume", {{"storagePoolId", pool},
                      {"volumeSizeInKb", std::to_string(96 * kKbPerGb)},
                      {"volumeType", "ThickProvisioned"},
                      {"name", "v"}});
  const std::string sds = f.world.sdss().begin()->first;
  const HttpResponse response = f.post("/api/instances/Sds::" + sds + "/action/removeSds", {});
  CHECK(response.result_int() == 500);
  CHECK(GatewayFixture::body_of(response).at("message").get<std::string>().find(
            "Not enough capacity") != std::string::npos);
  CHECK(f.body_of(f.get("/api/instances/Sds::" + sds)).at("sdsState") == "Normal");
}

TEST_CASE("time_scale shortens simulated delays") {
  ManualClock clock;
  WorldOptions options;
  options.time_scale = 10;
  ScaleioWorld world(clock, std::mt19937_64(1), options);
  world.node_installed(NodeInstall{"n1", "10.0.0.1", {"mdm", "sds"}, {}});
  REQUIRE(world.create_cluster("10.0.0.1", "m1").ok());
  auto pd = world.add_protection_domain("pd");
  REQUIRE(pd.ok());
  NewSds spec;
  spec.protection_domain_id = pd.value();
  spec.ips = {{"10.0.0.1", "all"}};
  auto sds = world.add_sds(spec);
  REQUIRE(sds.ok());
  clock.advance(std::chrono::milliseconds(499));  // join takes 5 s / 10
  world.tick(clock.now());
  CHECK(world.sdss().at(sds.value()).phase == SdsPhase::kJoining);
  clock.advance(std::chrono::milliseconds(2));
  world.tick(clock.now());
  CHECK(world.sdss().at(sds.value()).phase == SdsPhase::kJoined);
  REQUIRE(world.remove_sds(sds.value()).ok());
  clock.advance(std::chrono::seconds(3) + std::chrono::milliseconds(1));  // 30 s base / 10
  world.tick(clock.now());
  CHECK(world.sdss().empty());
}

TEST_CASE("a failed SDS is disconnected and its capacity counts as failed") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  REQUIRE(f.world.fail_component("mdm2", "sds").ok());
  const json list = f.body_of(f.get("/api/types/Sds/instances"));
  int disconnected = 0;
  for (const auto& sds : list) disconnected += sds.at("mdmConnectionState") == "Disconnected";
  CHECK(disconnected == 1);
  const Capacity c = f.world.pool_capacity(pool);
  CHECK(c.max_kb == 200 * kKbPerGb);
  CHECK(c.failed_kb == 100 * kKbPerGb);
}

}  // namespace scaleio::sim::testing
