// Protection domains, fault sets, storage pools, SDSs, devices: the REST grammar, wrappers,
// validation and the exact ScaleIO errors clients key their idempotency on.
#include <catch2/catch.hpp>

#include "gateway_fixture.h"

namespace scaleio::sim::testing {

namespace {
json error_of(const HttpResponse& response) {
  return GatewayFixture::body_of(response);
}

json sds_body(const std::string& pd, const std::string& ip, const std::string& name) {
  return {{"protectionDomainId", pd},
          {"name", name},
          {"sdsIpList", json::array({{{"SdsIp", {{"ip", ip}, {"role", "all"}}}}})}};
}

bool has_link(const json& object, const std::string& rel, const std::string& href) {
  for (const auto& link : object.at("links")) {
    if (link.at("rel") == rel && link.at("href") == href) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("protection domain: create, get, list, links, name clash, remove") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string pd = f.create("ProtectionDomain", {{"name", "pd1"}});
  CHECK(pd.size() == 16);
  const json object = f.body_of(f.get("/api/instances/ProtectionDomain::" + pd));
  CHECK(object.at("name") == "pd1");
  CHECK(object.at("systemId") == f.system_id());
  CHECK(object.at("protectionDomainState") == "Active");
  const std::string self = "/api/instances/ProtectionDomain::" + pd;
  CHECK(has_link(object, "self", self));
  CHECK(has_link(object, "/api/ProtectionDomain/relationship/StoragePool",
                 self + "/relationships/StoragePool"));
  CHECK(f.body_of(f.get("/api/types/ProtectionDomain/instances")).size() == 1);
  CHECK(f.body_of(
             f.get("/api/instances/System::" + f.system_id() + "/relationships/ProtectionDomain"))
            .size() == 1);

  const HttpResponse clash = f.post("/api/types/ProtectionDomain/instances", {{"name", "pd1"}});
  CHECK(clash.result_int() == 500);
  CHECK(error_of(clash).at("message") ==
        "Protection Domain name already in use. Please use a different name.");

  HttpResponse removed =
      f.post("/api/instances/ProtectionDomain::" + pd + "/action/removeProtectionDomain", {});
  CHECK(removed.result_int() == 200);
  const HttpResponse gone = f.get("/api/instances/ProtectionDomain::" + pd);
  CHECK(gone.result_int() == 500);
  CHECK(gone.body() ==
        R"({"message":"Could not find Protection Domain","httpStatusCode":500,"errorCode":142})");
  removed = f.post("/api/instances/ProtectionDomain::" + pd + "/action/removeProtectionDomain", {});
  CHECK(error_of(removed).at("errorCode") == 142);
}

TEST_CASE("names longer than 31 characters or with spaces are rejected") {
  GatewayFixture f;
  f.three_node_cluster();
  CHECK(f.post("/api/types/ProtectionDomain/instances", {{"name", std::string(32, 'a')}})
            .result_int() == 500);
  CHECK(f.post("/api/types/ProtectionDomain/instances", {{"name", "my pd"}}).result_int() == 500);
  CHECK(f.world.protection_domains().empty());
  f.create("ProtectionDomain", {{"name", std::string(31, 'a')}});
}

TEST_CASE("a missing required key gives the gateway's 400") {
  GatewayFixture f;
  f.three_node_cluster();
  const HttpResponse response = f.post("/api/types/StoragePool/instances", {{"name", "sp1"}});
  CHECK(response.result_int() == 400);
  const json body = error_of(response);
  CHECK(body.at("httpStatusCode") == 400);
  CHECK(body.at("errorCode") == 0);
  const std::string message = body.at("message");
  CHECK(message.size() > 0);
  CHECK(message.substr(message.size() - std::string(" must be part of the request body: "
                                                    "protectionDomainId")
                                            .size()) ==
        " must be part of the request body: protectionDomainId");
}

TEST_CASE("storage pool: values as strings, name clash per domain, relationships") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string pd1 = f.create("ProtectionDomain", {{"name", "pd1"}});
  const std::string pd2 = f.create("ProtectionDomain", {{"name", "pd2"}});
  const std::string sp = f.create("StoragePool", {{"name", "sp1"},
                                                  {"protectionDomainId", pd1},
                                                  {"mediaType", "SSD"},
                                                  {"sparePercentage", "20"},
                                                  {"zeroPaddingEnabled", "TRUE"}});
  const json pool = f.body_of(f.get("/api/instances/StoragePool::" + sp));
  CHECK(pool.at("sparePercentage") == 20);
  CHECK(pool.at("zeroPaddingEnabled") == true);
  CHECK(pool.at("mediaType") == "SSD");
  CHECK(pool.at("protectionDomainId") == pd1);
  CHECK(has_link(pool, "/api/parent/relationship/protectionDomainId",
                 "/api/instances/ProtectionDomain::" + pd1));

  const HttpResponse clash =
      f.post("/api/types/StoragePool/instances", {{"name", "sp1"}, {"protectionDomainId", pd1}});
  CHECK(error_of(clash).at("message") == "Storage Pool name already exists");
  f.create("StoragePool", {{"name", "sp1"}, {"protectionDomainId", pd2}});  // other domain: fine

  CHECK(f.body_of(f.get("/api/instances/ProtectionDomain::" + pd1 + "/relationships/StoragePool"))
            .size() == 1);
  const HttpResponse unknown_pd =
      f.post("/api/types/StoragePool/instances",
             {{"name", "sp9"}, {"protectionDomainId", "0123456789abcdef"}});
  CHECK(error_of(unknown_pd).at("errorCode") == 142);
  const HttpResponse missing = f.get("/api/instances/StoragePool::0123456789abcdef");
  CHECK(missing.body() == R"({"message":"Not found","httpStatusCode":500,"errorCode":3})");
  CHECK(
      f.post("/api/instances/StoragePool::" + sp + "/action/removeStoragePool", {}).result_int() ==
      200);
}

TEST_CASE("fault sets live under a protection domain") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string pd = f.create("ProtectionDomain", {{"name", "pd1"}});
  const std::string fs = f.create("FaultSet", {{"name", "rack1"}, {"protectionDomainId", pd}});
  const json related =
      f.body_of(f.get("/api/instances/ProtectionDomain::" + pd + "/relationships/FaultSet"));
  REQUIRE(related.size() == 1);
  CHECK(related[0].at("id") == fs);
  CHECK(related[0].at("name") == "rack1");
  json body = sds_body(pd, "10.0.0.1", "sds1");
  body["faultSetId"] = fs;
  const std::string sds = f.create("Sds", body);
  CHECK(f.body_of(f.get("/api/instances/Sds::" + sds)).at("faultSetId") == fs);
  CHECK(f.post("/api/instances/FaultSet::" + fs + "/action/removeFaultSet", {}).result_int() ==
        500);  // still has an SDS
}

TEST_CASE("SDS: POST takes the SdsIp wrapper, GET answers a flat ipList") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string pd = f.create("ProtectionDomain", {{"name", "pd1"}});
  const std::string sds = f.create("Sds", sds_body(pd, "10.0.0.1", "sds1"));
  const json object = f.body_of(f.get("/api/instances/Sds::" + sds));
  CHECK(object.at("ipList") == json::array({{{"ip", "10.0.0.1"}, {"role", "all"}}}));
  CHECK(object.at("port") == 7072);
  CHECK(object.at("sdsState") == "Normal");
  CHECK(object.at("mdmConnectionState") == "Connected");
  CHECK(object.at("membershipState") == "JoinPending");
  f.advance(std::chrono::seconds(6));
  CHECK(f.body_of(f.get("/api/instances/Sds::" + sds)).at("membershipState") == "Joined");

  json flat = {{"protectionDomainId", pd},
               {"sdsIpList", json::array({{{"ip", "10.0.0.2"}, {"role", "all"}}})}};
  const HttpResponse response = f.post("/api/types/Sds/instances", flat);
  CHECK(response.result_int() == 400);
  CHECK(error_of(response).at("message").get<std::string>().find("SdsIp") != std::string::npos);
}

TEST_CASE("SDS: name and IP clashes, and nodes without a running SDS") {
  GatewayFixture f;
  f.three_node_cluster();
  f.install("bare", "10.0.0.7", {"sdc"});
  const std::string pd = f.create("ProtectionDomain", {{"name", "pd1"}});
  f.create("Sds", sds_body(pd, "10.0.0.1", "sds1"));
  HttpResponse response = f.post("/api/types/Sds/instances", sds_body(pd, "10.0.0.2", "sds1"));
  CHECK(error_of(response).at("message").get<std::string>().rfind("SDS name is already in use",
                                                                  0) == 0);
  response = f.post("/api/types/Sds/instances", sds_body(pd, "10.0.0.1", "sds9"));
  CHECK(error_of(response).at("message") == "The SDS IP address and port already in use.");
  response = f.post("/api/types/Sds/instances", sds_body(pd, "10.0.0.7", "sds7"));
  CHECK(response.result_int() == 500);
  CHECK(error_of(response).at("message").get<std::string>().find("10.0.0.7") != std::string::npos);
  REQUIRE(f.world.fail_component("mdm2", "sds").ok());
  response = f.post("/api/types/Sds/instances", sds_body(pd, "10.0.0.2", "sds2"));
  CHECK(error_of(response).at("message").get<std::string>().find("10.0.0.2") != std::string::npos);
  CHECK(f.world.sdss().size() == 1);
}

TEST_CASE("device: both path spellings on POST, deviceCurrentPathName on GET, test then Normal") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string pd = f.create("ProtectionDomain", {{"name", "pd1"}});
  const std::string sp = f.create("StoragePool", {{"name", "sp1"}, {"protectionDomainId", pd}});
  const std::string sds = f.create("Sds", sds_body(pd, "10.0.0.1", "sds1"));
  const std::string d1 = f.create("Device", {{"deviceCurrentPathname", "/dev/sdb"},
                                             {"sdsId", sds},
                                             {"storagePoolId", sp},
                                             {"testMode", "testAndActivate"}});
  const std::string d2 = f.create(
      "Device", {{"deviceCurrentPathName", "/dev/sdc"}, {"sdsId", sds}, {"storagePoolId", sp}});
  json device = f.body_of(f.get("/api/instances/Device::" + d1));
  CHECK(device.at("deviceCurrentPathName") == "/dev/sdb");
  CHECK(device.at("deviceState") == "InitialTest");
  CHECK(device.at("sdsId") == sds);
  CHECK(f.body_of(f.get("/api/instances/Device::" + d2)).at("deviceCurrentPathName") == "/dev/sdc");
  f.advance(std::chrono::seconds(11));
  device = f.body_of(f.get("/api/instances/Device::" + d1));
  CHECK(device.at("deviceState") == "Normal");
  CHECK(device.at("maxCapacityInKb") == 100 * kKbPerGb);
  CHECK(f.body_of(f.get("/api/instances/Sds::" + sds + "/relationships/Device")).size() == 2);
  const HttpResponse dup =
      f.post("/api/types/Device/instances",
             {{"deviceCurrentPathname", "/dev/sdb"}, {"sdsId", sds}, {"storagePoolId", sp}});
  CHECK(dup.result_int() == 500);
  CHECK(
      f.post("/api/types/Device/instances", {{"sdsId", sds}, {"storagePoolId", sp}}).result_int() ==
      400);
  CHECK(f.post("/api/instances/Device::" + d2 + "/action/removeDevice", {}).result_int() == 200);
  CHECK(f.world.devices().size() == 1);
}

TEST_CASE("declared device capacities are used and unknown paths cannot be opened") {
  GatewayFixture f;
  f.three_node_cluster();
  f.world.node_installed(
      NodeInstall{"d1", "10.0.0.8", {"sds"}, {"10.0.0.1"}, {{"/dev/xvdf", 50 * kKbPerGb}}});
  const std::string pd = f.create("ProtectionDomain", {{"name", "pd1"}});
  const std::string sp = f.create("StoragePool", {{"name", "sp1"}, {"protectionDomainId", pd}});
  const std::string sds = f.create("Sds", sds_body(pd, "10.0.0.8", "sds8"));
  const std::string d = f.create(
      "Device", {{"deviceCurrentPathname", "/dev/xvdf"}, {"sdsId", sds}, {"storagePoolId", sp}});
  CHECK(f.body_of(f.get("/api/instances/Device::" + d)).at("maxCapacityInKb") == 50 * kKbPerGb);
  CHECK(f.post("/api/types/Device/instances",
               {{"deviceCurrentPathname", "/dev/nope"}, {"sdsId", sds}, {"storagePoolId", sp}})
            .result_int() == 500);
}

TEST_CASE("capacity statistics per pool and per SDS") {
  GatewayFixture f;
  f.three_node_cluster();
  const auto [pd, pool] = f.storage();
  const json request = {
      {"ids", {pool}},
      {"properties",
       {"maxCapacityInKb", "capacityInUseInKb", "unusedCapacityInKb", "spareCapacityInKb"}}};
  HttpResponse response =
      f.post("/api/types/StoragePool/instances/action/querySelectedStatistics", request);
  REQUIRE(response.result_int() == 200);
  json stats = f.body_of(response).at(pool);
  CHECK(stats.at("maxCapacityInKb") == 300 * kKbPerGb);
  CHECK(stats.at("spareCapacityInKb") == 30 * kKbPerGb);
  CHECK(stats.at("capacityInUseInKb") == 0);
  CHECK(stats.at("unusedCapacityInKb") == 270 * kKbPerGb);

  f.create("Volume", {{"storagePoolId", pool},
                      {"volumeSizeInKb", std::to_string(16 * kKbPerGb)},
                      {"volumeType", "ThickProvisioned"},
                      {"name", "v1"}});
  stats =
      f.body_of(f.post("/api/types/StoragePool/instances/action/querySelectedStatistics", request))
          .at(pool);
  CHECK(stats.at("capacityInUseInKb") == 32 * kKbPerGb);  // two copies
  CHECK(stats.at("unusedCapacityInKb") == 238 * kKbPerGb);

  response = f.post("/api/types/Sds/instances/action/querySelectedStatistics",
                    {{"allIds", ""}, {"properties", {"maxCapacityInKb", "capacityInUseInKb"}}});
  REQUIRE(response.result_int() == 200);
  const json per_sds = f.body_of(response);
  REQUIRE(per_sds.size() == 3);
  int64_t in_use = 0;
  for (const auto& [id, s] : per_sds.items()) {
    CHECK(s.at("maxCapacityInKb") == 100 * kKbPerGb);
    in_use += s.at("capacityInUseInKb").get<int64_t>();
  }
  CHECK(in_use == 32 * kKbPerGb);

  response = f.post("/api/types/StoragePool/instances/action/querySelectedStatistics",
                    {{"ids", {pool}}, {"properties", {"noSuchThing"}}});
  CHECK(response.result_int() == 400);
  const json via_relation =
      f.body_of(f.get("/api/instances/StoragePool::" + pool + "/relationships/Statistics"));
  CHECK(via_relation.at("maxCapacityInKb") == 300 * kKbPerGb);
}

TEST_CASE("queryIdByKey finds objects by name and answers a quoted id") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string pd = f.create("ProtectionDomain", {{"name", "pd1"}});
  HttpResponse response =
      f.post("/api/types/ProtectionDomain/instances/action/queryIdByKey", {{"name", "pd1"}});
  CHECK(response.body() == "\"" + pd + "\"");
  response = f.post("/api/types/ProtectionDomain/instances/action/queryIdByKey", {{"name", "x"}});
  CHECK(error_of(response).at("errorCode") == 142);
}

TEST_CASE("GET /api/instances holds the System and every list") {
  GatewayFixture f;
  f.three_node_cluster();
  f.storage();
  const json all = f.body_of(f.get("/api/instances"));
  CHECK(all.at("System").at("id") == f.system_id());
  CHECK(all.at("protectionDomainList").size() == 1);
  CHECK(all.at("storagePoolList").size() == 1);
  CHECK(all.at("sdsList").size() == 3);
  CHECK(all.at("deviceList").size() == 3);
  CHECK(all.at("sdcList").size() == 3);
  CHECK(all.at("volumeList").empty());
}

}  // namespace scaleio::sim::testing
