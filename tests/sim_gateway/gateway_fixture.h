// A gateway over a fresh world on a ManualClock, driven with Beast request objects (no sockets).
#pragma once

#include <random>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "sim/gateway/gateway_service.h"
#include "sim/gateway/scaleio_world.h"

namespace scaleio::sim::testing {

using nlohmann::json;
namespace http = boost::beast::http;

std::string basic_auth(const std::string& user, const std::string& password);

struct GatewayFixture {
  ManualClock clock;
  ScaleioWorld world{clock, std::mt19937_64(42)};
  GatewayService gateway{world, clock, std::mt19937_64(7)};
  std::string token;

  GatewayFixture();

  HttpResponse call(http::verb verb, const std::string& target, const std::string& body = "");
  HttpResponse get(const std::string& target) { return call(http::verb::get, target); }
  // A null body (from a bare `{}` argument) is sent as {} like real clients do.
  HttpResponse post(const std::string& target, const json& body) {
    return call(http::verb::post, target, body.is_null() ? "{}" : body.dump());
  }
  std::string login();  // logs in with the configured credentials; returns the token
  static json body_of(const HttpResponse& response);

  // Installs a node with packages; its SDC points at mdm_ips.
  void install(const std::string& hostname, const std::string& ip,
               const std::set<std::string>& roles,
               const std::vector<std::string>& mdm_ips = {"10.0.0.1", "10.0.0.2"});
  // mdm1 10.0.0.1 (master), mdm2 10.0.0.2 (slave), tb1 10.0.0.3, all with SDS and SDC, in a
  // ThreeNodes cluster created through the scli verbs.
  void three_node_cluster();
  // POST /api/types/{T}/instances; REQUIREs 200 and returns the id.
  std::string create(const std::string& type, const json& body);
  // A PD "pd1", pool "sp1" and an SDS on each of mdm1, mdm2, tb1 with one 100 GB device each,
  // joined and tested. Returns {pd, pool}.
  std::pair<std::string, std::string> storage();
  void advance(Clock::Duration d);  // moves the clock and ticks the world
  std::string system_id();
  std::string sdc_id_of(const std::string& ip);
};

}  // namespace scaleio::sim::testing
