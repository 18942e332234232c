// Pure pieces of the client: URL parsing, error mapping, defensive JSON, backoff, credentials.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "adapters/scaleio/backoff.h"
#include "adapters/scaleio/credentials.h"
#include "adapters/scaleio/gateway_errors.h"
#include "adapters/scaleio/gateway_url.h"
#include "adapters/scaleio/object_parsers.h"
#include "tests/support/temp_dir.h"

namespace scaleio::gateway::testing {

using nlohmann::json;

TEST_CASE("units: gateway URLs") {
  auto https = parse_gateway_url("https://10.0.0.1");
  REQUIRE(https.ok());
  CHECK(https->tls);
  CHECK(https->port == 443);
  CHECK(https->api_prefix == "/api");
  auto http = parse_gateway_url("http://127.0.0.1:8080/api/");
  REQUIRE(http.ok());
  CHECK_FALSE(http->tls);
  CHECK(http->port == 8080);
  CHECK(http->api_prefix == "/api");
  CHECK(parse_gateway_url("https://[::1]:8443").value().host == "::1");
  CHECK(parse_gateway_url("ftp://x").status().code() == StatusCode::kInvalidArgument);
  CHECK(parse_gateway_url("https://:80").status().code() == StatusCode::kInvalidArgument);
  CHECK(parse_gateway_url("https://h:99999").status().code() == StatusCode::kInvalidArgument);
  auto with_password = parse_gateway_url("https://admin:hunter2@gw");
  REQUIRE_FALSE(with_password.ok());
  CHECK(with_password.status().message().find("hunter2") == std::string::npos);
}

TEST_CASE("units: gateway error bodies map to codes that say what to do") {
  auto code = [](int http, const std::string& body) {
    return status_from_gateway_error(parse_error_body(http, body), "POST /x").code();
  };
  auto body = [](int http, int error, const std::string& message) {
    return json{{"message", message}, {"httpStatusCode", http}, {"errorCode", error}}.dump();
  };
  CHECK(code(500, body(500, 6, "Volume name already in use. Please use a different name.")) ==
        StatusCode::kAlreadyExists);
  CHECK(code(500, body(500, 0, "Storage Pool name already exists")) == StatusCode::kAlreadyExists);
  CHECK(code(500, body(500, 81, "The volume is already mapped to this SDC")) ==
        StatusCode::kAlreadyExists);
  CHECK(code(500, body(500, 13, "The volume is already mapped to another SDC. Use ...")) ==
        StatusCode::kFailedPrecondition);
  CHECK(code(500, body(500, 79, "Could not find the volume")) == StatusCode::kNotFound);
  CHECK(code(500, body(500, 84, "Volume not mapped")) == StatusCode::kNotFound);
  CHECK(code(500, body(500, 142, "x")) == StatusCode::kNotFound);
  CHECK(code(500, body(500, 0, "Internal server error")) == StatusCode::kUnavailable);
  CHECK(code(500, "") == StatusCode::kUnavailable);
  CHECK(code(503, "<html>") == StatusCode::kUnavailable);
  CHECK(code(500, body(500, 9, "Could not connect to the MDM cluster")) ==
        StatusCode::kUnavailable);
  // A node's SDS or SDC that does not answer (not installed yet) waits for the world to change.
  CHECK(code(500, body(500, 10,
                       "Could not communicate with the SDS at 10.0.0.9: its package is not "
                       "installed or not running")) == StatusCode::kFailedPrecondition);
  CHECK(code(500, body(500, 10, "Could not communicate with the SDC at 10.0.0.9")) ==
        StatusCode::kFailedPrecondition);
  CHECK(code(500, body(500, 12, "Not enough capacity in Storage Pool sp1")) ==
        StatusCode::kResourceExhausted);
  CHECK(code(500, body(500, 11, "The Storage Pool still has devices or volumes")) ==
        StatusCode::kFailedPrecondition);
  CHECK(code(400, body(400, 0, "... must be part of the request body: storagePoolId")) ==
        StatusCode::kInvalidArgument);
  CHECK(code(401, body(401, 0, "Unauthorized")) == StatusCode::kUnauthenticated);
  CHECK(code(406, "") == StatusCode::kInvalidArgument);
  CHECK(parse_error_body(500, R"({"message":"m","errorCode":"81"})").error_code == 81);
  const Status s = status_from_gateway_error(parse_error_body(500, body(500, 3, "Not found")),
                                             "POST /api/instances/Sds::1/action/removeSds");
  CHECK(s.message() ==
        "POST /api/instances/Sds::1/action/removeSds: HTTP 500 (errorCode 3): Not found");
}

TEST_CASE("units: defensive parsing of gateway objects") {
  auto sds = parse_sds(json::parse(R"({
      "id":"abc0000000000001","name":null,"protectionDomainId":"0000000000000000",
      "faultSetId":null,"ipList":[{"ip":"10.0.0.1","role":"all"},{"SdsIp":{"ip":"10.1.0.1","role":"sdsOnly"}},7],
      "port":"7072","sdsState":"Normal","mdmConnectionState":"Connected"})"));
  CHECK(sds.id == "abc0000000000001");
  CHECK(sds.name.empty());
  CHECK(sds.protection_domain_id.empty());
  CHECK(sds.fault_set_id.empty());
  REQUIRE(sds.ips.size() == 2);
  CHECK(sds.ips[1].role == "sdsOnly");
  CHECK(sds.port == 7072);

  CHECK(parse_device(json::parse(R"({"id":"d","deviceCurrentPathname":"/dev/sdb"})")).path ==
        "/dev/sdb");
  CHECK(parse_device(json::parse(R"({"id":"d","deviceCurrentPathName":"/dev/sdc",
                                     "maxCapacityInKb":"104857600"})"))
            .max_capacity_kb == 104857600);
  auto sdc = parse_sdc(json::parse(R"({"id":"s","sdcIp":"N/A","sdcApproved":"TRUE"})"));
  CHECK(sdc.ip.empty());
  CHECK(sdc.approved);
  auto volume =
      parse_volume(json::parse(R"({"id":"v","sizeInKb":"8388608","mappedSdcInfo":null})"));
  CHECK(volume.size_kb == 8388608);
  CHECK(volume.mappings.empty());
  auto system = parse_system(json::parse(R"({"id":"sys","mdmCluster":{"clusterMode":"OneNode",
      "master":{"id":"m1","ips":["10.0.0.1"],"port":"9011"},"slaves":null,"tieBreakers":[]}})"));
  REQUIRE(system.mdm_cluster);
  CHECK(system.mdm_cluster->master.port == 9011);
  CHECK(system.mdm_cluster->slaves.empty());

  CHECK(parse_list(json::parse("[1]"), &parse_volume, "GET /v").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(parse_list(json::parse(R"([{"name":"x"}])"), &parse_volume, "GET /v").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(parse_inventory(json::parse("[]"), "GET /api/instances").status().code() ==
        StatusCode::kInvalidArgument);
  auto empty = parse_inventory(json::parse(R"({"System":null})"), "GET /api/instances");
  REQUIRE(empty.ok());
  CHECK_FALSE(empty->system);
}

TEST_CASE("units: capped exponential backoff with jitter") {
  RetryPolicy p;
  p.initial_backoff = std::chrono::milliseconds(100);
  p.max_backoff = std::chrono::milliseconds(1000);
  p.jitter = 0.5;
  CHECK(backoff_delay(p, 1, 0.0) == std::chrono::milliseconds(100));
  CHECK(backoff_delay(p, 2, 0.0) == std::chrono::milliseconds(200));
  CHECK(backoff_delay(p, 3, 1.0) == std::chrono::milliseconds(200));
  CHECK(backoff_delay(p, 10, 0.0) == std::chrono::milliseconds(1000));
  CHECK(backoff_delay(p, 10, 0.999) >= std::chrono::milliseconds(500));
  auto r = seeded_uniform(1);
  for (int i = 0; i < 100; ++i) {
    const double x = r();
    CHECK((x >= 0.0 && x < 1.0));
  }
}

TEST_CASE("units: the password comes from a file or the environment") {
  scaleio::testing::TempDir dir;
  const std::string path = dir.sub("password");
  std::ofstream(path) << "s3cret\n";
  CHECK(password_from_file(path).value().reveal() == "s3cret");
  CHECK(password_from_file(dir.sub("missing")).status().code() == StatusCode::kNotFound);
  std::ofstream(dir.sub("empty")) << "";
  CHECK(password_from_file(dir.sub("empty")).status().code() == StatusCode::kInvalidArgument);
  ::setenv("SCALEIO_TEST_GATEWAY_PASSWORD", "from-env", 1);
  CHECK(password_from_env("SCALEIO_TEST_GATEWAY_PASSWORD").value().reveal() == "from-env");
  ::unsetenv("SCALEIO_TEST_GATEWAY_PASSWORD");
  CHECK(password_from_env("SCALEIO_TEST_GATEWAY_PASSWORD").status().code() ==
        StatusCode::kNotFound);
}

}  // namespace scaleio::gateway::testing
