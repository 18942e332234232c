// SDC self-registration and volumes: 8 GB rounding, mappings and their idempotency errors.
#include <catch2/catch.hpp>

#include "gateway_fixture.h"

namespace scaleio::sim::testing {

namespace {
json error_of(const HttpResponse& response) {
  return GatewayFixture::body_of(response);
}

std::string make_volume(GatewayFixture& f, const std::string& pool, const std::string& name,
                        const json& size_kb) {
  return f.create("Volume", {{"storagePoolId", pool},
                             {"volumeSizeInKb", size_kb},
                             {"name", name},
                             {"volumeType", "ThinProvisioned"}});
}
}  // namespace

TEST_CASE("an SDC registers only with its package installed and an MDM it points at") {
  GatewayFixture f;
  f.install("early", "10.0.0.5", {"sdc"});
  f.install("elsewhere", "10.0.0.6", {"sdc"}, {"10.9.9.9"});
  f.install("nosdc", "10.0.0.7", {"lia"});
  CHECK(f.world.sdcs().empty());  // no MDM cluster yet
  f.three_node_cluster();
  const json sdcs = f.body_of(f.get("/api/types/Sdc/instances"));
  std::set<std::string> ips;
  for (const auto& sdc : sdcs) {
    ips.insert(sdc.at("sdcIp").get<std::string>());
    CHECK(sdc.at("sdcApproved") == true);
    CHECK(sdc.at("mdmConnectionState") == "Connected");
    CHECK(sdc.at("sdcGuid").get<std::string>().size() == 36);
    CHECK(sdc.at("systemId") == f.system_id());
  }
  CHECK(ips == std::set<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.5"});

  // Installing the package later registers it on the spot.
  f.install("late", "10.0.0.8", {"sdc"});
  CHECK(f.body_of(f.get("/api/types/Sdc/instances")).size() == 5);
}

TEST_CASE("a disconnected SDC stays listed with sdcIp N/A") {
  GatewayFixture f;
  f.three_node_cluster();
  f.install("c1", "10.0.0.5", {"sdc"});
  const std::string id = f.sdc_id_of("10.0.0.5");
  f.world.node_down("c1");
  json sdc = f.body_of(f.get("/api/instances/Sdc::" + id));
  CHECK(sdc.at("mdmConnectionState") == "Disconnected");
  CHECK(sdc.at("sdcIp") == "N/A");
  f.world.node_up("c1");
  sdc = f.body_of(f.get("/api/instances/Sdc::" + id));
  CHECK(sdc.at("mdmConnectionState") == "Connected");
  CHECK(sdc.at("sdcIp") == "10.0.0.5");
  REQUIRE(f.world.fail_component("c1", "sdc").ok());
  CHECK(f.body_of(f.get("/api/instances/Sdc::" + id)).at("mdmConnectionState") == "Disconnected");
}

TEST_CASE("setSdcName renames; SDCs cannot be created by REST; unknown SDC errors") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string id = f.sdc_id_of("10.0.0.1");
  CHECK(f.post("/api/instances/Sdc::" + id + "/action/setSdcName", {{"sdcName", "node1"}})
            .result_int() == 200);
  CHECK(f.body_of(f.get("/api/instances/Sdc::" + id)).at("name") == "node1");
  CHECK(f.post("/api/types/Sdc/instances", {{"sdcIp", "10.0.0.9"}}).result_int() == 405);
  const HttpResponse response = f.get("/api/instances/Sdc::0123456789abcdef");
  CHECK(error_of(response).at("message") == "Could not find the SDC");
}

TEST_CASE("volume sizes round up to 8 GB and accept strings or numbers") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  const std::string a = make_volume(f, pool, "a", "1048576");     // 1 GB as a string
  const std::string b = make_volume(f, pool, "b", 9 * kKbPerGb);  // 9 GB as a number
  const std::string c = make_volume(f, pool, "c", std::to_string(16 * kKbPerGb));
  CHECK(f.body_of(f.get("/api/instances/Volume::" + a)).at("sizeInKb") == 8 * kKbPerGb);
  CHECK(f.body_of(f.get("/api/instances/Volume::" + b)).at("sizeInKb") == 16 * kKbPerGb);
  CHECK(f.body_of(f.get("/api/instances/Volume::" + c)).at("sizeInKb") == 16 * kKbPerGb);
  const json volume = f.body_of(f.get("/api/instances/Volume::" + a));
  CHECK(volume.at("volumeType") == "ThinProvisioned");
  CHECK(volume.at("storagePoolId") == pool);
  CHECK(volume.at("mappedSdcInfo").is_null());

  CHECK(f.post("/api/instances/Volume::" + a + "/action/setVolumeSize", {{"sizeInGB", "20"}})
            .result_int() == 200);
  CHECK(f.body_of(f.get("/api/instances/Volume::" + a)).at("sizeInKb") == 24 * kKbPerGb);
  CHECK(f.post("/api/instances/Volume::" + a + "/action/setVolumeSize", {{"sizeInGB", 8}})
            .result_int() == 500);  // never shrinks

  const HttpResponse clash =
      f.post("/api/types/Volume/instances",
             {{"storagePoolId", pool}, {"volumeSizeInKb", "8388608"}, {"name", "a"}});
  CHECK(error_of(clash).at("message") ==
        "Volume name already in use. Please use a different name.");
  const HttpResponse missing =
      f.post("/api/types/Volume/instances", {{"storagePoolId", pool}, {"name", "z"}});
  CHECK(missing.result_int() == 400);
  CHECK(error_of(missing).at("message").get<std::string>().find(
            "must be part of the request body: volumeSizeInKb") != std::string::npos);
}

TEST_CASE("mapping: mappedSdcInfo, already mapped (81), multi-map, not mapped (84), removal") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  const std::string v = make_volume(f, pool, "data", "8388608");
  const std::string sdc1 = f.sdc_id_of("10.0.0.1");
  const std::string sdc2 = f.sdc_id_of("10.0.0.2");
  const std::string volume = "/api/instances/Volume::" + v;

  REQUIRE(f.post(volume + "/action/addMappedSdc", {{"sdcId", sdc1}}).result_int() == 200);
  json mapped = f.body_of(f.get(volume)).at("mappedSdcInfo");
  REQUIRE(mapped.size() == 1);
  CHECK(mapped[0].at("sdcId") == sdc1);
  CHECK(mapped[0].at("sdcIp") == "10.0.0.1");
  CHECK(f.body_of(f.get("/api/instances/Sdc::" + sdc1 + "/relationships/Volume")).size() == 1);

  HttpResponse response = f.post(volume + "/action/addMappedSdc", {{"sdcId", sdc1}});
  CHECK(response.result_int() == 500);
  CHECK(error_of(response).at("errorCode") == 81);

  response = f.post(volume + "/action/addMappedSdc", {{"sdcId", sdc2}});
  CHECK(response.result_int() == 500);  // a second SDC needs allowMultipleMappings
  response =
      f.post(volume + "/action/addMappedSdc", {{"sdcId", sdc2}, {"allowMultipleMappings", "TRUE"}});
  CHECK(response.result_int() == 200);
  CHECK(f.body_of(f.get(volume)).at("mappedSdcInfo").size() == 2);

  CHECK(f.post(volume + "/action/removeVolume", {{"removeMode", "ONLY_ME"}}).result_int() == 500);
  CHECK(f.post(volume + "/action/removeMappedSdc", {{"sdcId", sdc1}}).result_int() == 200);
  response = f.post(volume + "/action/removeMappedSdc", {{"sdcId", sdc1}});
  CHECK(error_of(response).at("errorCode") == 84);
  CHECK(f.post(volume + "/action/removeMappedSdc", {{"sdcId", sdc2}}).result_int() == 200);
  CHECK(f.body_of(f.get(volume)).at("mappedSdcInfo").is_null());

  CHECK(f.post(volume + "/action/removeVolume", {{"removeMode", "ONLY_ME"}}).result_int() == 200);
  response = f.post(volume + "/action/removeVolume", {{"removeMode", "ONLY_ME"}});
  CHECK(response.body() ==
        R"({"message":"Could not find the volume","httpStatusCode":500,"errorCode":79})");
}

TEST_CASE("mapping to an SDC that has not registered fails with Could not find the SDC") {
  GatewayFixture f;
  f.install("mdm1", "10.0.0.1", {"mdm", "sds"});
  f.install("mdm2", "10.0.0.2", {"mdm", "sds"});
  f.install("tb1", "10.0.0.3", {"tb", "sds"});
  REQUIRE(f.world.create_cluster("10.0.0.1", "mdm1").ok());
  const auto [pd, pool] = f.storage();
  const std::string v = make_volume(f, pool, "data", "8388608");
  const HttpResponse response = f.post("/api/instances/Volume::" + v + "/action/addMappedSdc",
                                       {{"sdcId", "0123456789abcdef"}});
  CHECK(response.result_int() == 500);
  CHECK(error_of(response).at("message") == "Could not find the SDC");
  const HttpResponse by_ip =
      f.post("/api/types/Sdc/instances/action/queryIdByKey", {{"ip", "10.0.0.1"}});
  CHECK(error_of(by_ip).at("message") == "Could not find the SDC");
}

TEST_CASE("a volume cannot be created beyond the pool's free capacity") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();  // 300 GB raw, 270 GB after spare
  const HttpResponse response =
      f.post("/api/types/Volume/instances", {{"storagePoolId", pool},
                                             {"volumeSizeInKb", std::to_string(136 * kKbPerGb)},
                                             {"volumeType", "ThickProvisioned"},
                                             {"name", "big"}});
  CHECK(response.result_int() == 500);  // 2 x 136 GB > 270 GB
  CHECK(f.world.volumes().empty());
  // Thin volumes count a quarter of their size (the documented rule): 2 x 128 x 25% = 64 GB.
  make_volume(f, pool, "thin", std::to_string(128 * kKbPerGb));
  CHECK(f.world.pool_capacity(pool).in_use_kb == 64 * kKbPerGb);
}

}  // namespace scaleio::sim::testing
