#include "gateway_fixture.h"

#include <catch2/catch.hpp>

#include "core/base64.h"

namespace scaleio::sim::testing {

std::string basic_auth(const std::string& user, const std::string& password) {
  return "Basic " + base64_encode(user + ":" + password);
}

GatewayFixture::GatewayFixture() {
  token = login();
}

HttpResponse GatewayFixture::call(http::verb verb, const std::string& target,
                                  const std::string& body) {
  HttpRequest request{verb, target, 11};
  request.set(http::field::authorization, basic_auth("", token));
  request.set(http::field::accept, "application/json");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  return gateway.handle(request);
}

std::string GatewayFixture::login() {
  HttpRequest request{http::verb::get, "/api/login", 11};
  request.set(http::field::authorization, basic_auth(gateway.user(), gateway.password()));
  const HttpResponse response = gateway.handle(request);
  REQUIRE(response.result_int() == 200);
  return json::parse(response.body()).get<std::string>();
}

json GatewayFixture::body_of(const HttpResponse& response) {
  if (response.body().empty()) return nullptr;
  return json::parse(response.body());
}

void GatewayFixture::install(const std::string& hostname, const std::string& ip,
                             const std::set<std::string>& roles,
                             const std::vector<std::string>& mdm_ips) {
  world.node_installed(NodeInstall{hostname, ip, roles, mdm_ips});
}

void GatewayFixture::three_node_cluster() {
  install("mdm1", "10.0.0.1", {"mdm", "sds", "sdc", "lia"});
  install("mdm2", "10.0.0.2", {"mdm", "sds", "sdc", "lia"});
  install("tb1", "10.0.0.3", {"tb", "sds", "sdc", "lia"});
  REQUIRE(world
              .run_mdm_command("mdm1", {"mdm", "create-cluster", "--master-ip", "10.0.0.1",
                                        "--master-name", "mdm1"})
              .ok());
  REQUIRE(world
              .run_mdm_command("mdm1", {"mdm", "add-standby", "--ip", "10.0.0.2", "--role",
                                        "manager", "--name", "mdm2"})
              .ok());
  REQUIRE(world
              .run_mdm_command("mdm1", {"mdm", "add-standby", "--ip", "10.0.0.3", "--role", "tb",
                                        "--name", "tb1"})
              .ok());
  auto switched = world.run_mdm_command("mdm1", {"mdm", "switch-mode", "--mode", "3_node",
                                                 "--add-slaves", "mdm2", "--add-tbs", "tb1"});
  INFO(switched.status().to_string());
  REQUIRE(switched.ok());
}

std::string GatewayFixture::create(const std::string& type, const json& body) {
  const HttpResponse response = post("/api/types/" + type + "/instances", body);
  INFO(type << " create: " << response.body());
  REQUIRE(response.result_int() == 200);
  return body_of(response).at("id").get<std::string>();
}

std::pair<std::string, std::string> GatewayFixture::storage() {
  const std::string pd = create("ProtectionDomain", {{"name", "pd1"}});
  const std::string pool = create("StoragePool", {{"name", "sp1"}, {"protectionDomainId", pd}});
  int n = 0;
  for (const char* ip : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
    create("Sds", {{"name", "sds" + std::to_string(++n)},
                   {"protectionDomainId", pd},
                   {"sdsIpList", json::array({{{"SdsIp", {{"ip", ip}, {"role", "all"}}}}})},
                   {"deviceInfoList",
                    json::array({{{"devicePath", "/dev/sdb"}, {"storagePoolId", pool}}})}});
  }
  advance(std::chrono::minutes(1));
  return {pd, pool};
}

void GatewayFixture::advance(Clock::Duration d) {
  clock.advance(d);
  world.tick(clock.now());
}

std::string GatewayFixture::system_id() {
  const json systems = body_of(get("/api/types/System/instances"));
  REQUIRE(systems.size() == 1);
  return systems[0].at("id").get<std::string>();
}

std::string GatewayFixture::sdc_id_of(const std::string& ip) {
  const HttpResponse response =
      post("/api/types/Sdc/instances/action/queryIdByKey", json{{"ip", ip}});
  INFO(response.body());
  REQUIRE(response.result_int() == 200);
  return body_of(response).get<std::string>();
}

}  // namespace scaleio::sim::testing
