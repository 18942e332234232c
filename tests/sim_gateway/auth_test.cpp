// Login, tokens, version, methods, headers and fault injection of the gateway.
#include <catch2/catch.hpp>

#include "gateway_fixture.h"

namespace scaleio::sim::testing {

namespace {
constexpr const char* kUnauthorized =
    R"({"message":"Unauthorized","httpStatusCode":401,"errorCode":0})";

HttpResponse get_with(GatewayFixture& f, const std::string& target, const std::string& auth) {
  HttpRequest request{http::verb::get, target, 11};
  if (!auth.empty()) request.set(http::field::authorization, auth);
  return f.gateway.handle(request);
}
}  // namespace

TEST_CASE("login returns a quoted JSON string token usable with any username") {
  GatewayFixture f;
  HttpRequest request{http::verb::get, "/api/login", 11};
  request.set(http::field::authorization, basic_auth("admin", "Scaleio123"));
  const HttpResponse response = f.gateway.handle(request);
  REQUIRE(response.result_int() == 200);
  REQUIRE(response.body().front() == '"');
  REQUIRE(response.body().back() == '"');
  const std::string token = json::parse(response.body()).get<std::string>();
  REQUIRE(!token.empty());
  for (const char* user : {"", "admin", "somebody"}) {
    const HttpResponse version = get_with(f, "/api/version", basic_auth(user, token));
    CHECK(version.result_int() == 200);
  }
}

TEST_CASE("bad credentials and bad tokens get the exact 401 body") {
  GatewayFixture f;
  HttpResponse response = get_with(f, "/api/login", basic_auth("admin", "wrong"));
  CHECK(response.result_int() == 401);
  CHECK(response.body() == kUnauthorized);
  response = get_with(f, "/api/version", "");
  CHECK(response.result_int() == 401);
  CHECK(response.body() == kUnauthorized);
  response = get_with(f, "/api/version", basic_auth("admin", "not-a-token"));
  CHECK(response.result_int() == 401);
  CHECK(response.body() == kUnauthorized);
  // The password itself is not a token.
  response = get_with(f, "/api/version", basic_auth("admin", "Scaleio123"));
  CHECK(response.result_int() == 401);
}

TEST_CASE("tokens expire after the idle timeout and after their lifetime") {
  GatewayFixture f;
  REQUIRE(f.get("/api/version").result_int() == 200);
  f.clock.advance(std::chrono::minutes(9));
  REQUIRE(f.get("/api/version").result_int() == 200);  // use resets the idle timer
  f.clock.advance(std::chrono::minutes(10));
  REQUIRE(f.get("/api/version").result_int() == 401);

  f.token = f.login();
  for (int i = 0; i < 95; ++i) {  // busy for 7h55m: only the idle timer is reset
    f.clock.advance(std::chrono::minutes(5));
    REQUIRE(f.get("/api/version").result_int() == 200);
  }
  f.clock.advance(std::chrono::minutes(5));
  CHECK(f.get("/api/version").result_int() == 401);
  f.token = f.login();
  CHECK(f.get("/api/version").result_int() == 200);
}

TEST_CASE("restart, expire_tokens and logout invalidate tokens") {
  GatewayFixture f;
  f.gateway.restart();
  CHECK(f.get("/api/version").result_int() == 401);
  f.token = f.login();
  f.gateway.expire_tokens();
  CHECK(f.get("/api/version").result_int() == 401);
  f.token = f.login();
  const std::string other = f.login();
  CHECK(f.get("/api/logout").result_int() == 200);
  CHECK(f.get("/api/version").result_int() == 401);
  f.token = other;  // only the logged-out token ended
  CHECK(f.get("/api/version").result_int() == 200);
}

TEST_CASE("credentials can be changed") {
  GatewayFixture f;
  f.gateway.set_credentials("root", "secret");
  CHECK(get_with(f, "/api/login", basic_auth("admin", "Scaleio123")).result_int() == 401);
  CHECK(get_with(f, "/api/login", basic_auth("root", "secret")).result_int() == 200);
}

TEST_CASE("version is a quoted string") {
  GatewayFixture f;
  const HttpResponse response = f.get("/api/version");
  CHECK(response.body() == "\"2.0.1\"");
  CHECK(std::string(response[http::field::content_type]).find("application/json") == 0);
}

TEST_CASE("HTTP DELETE is never allowed; deletion is a remove action") {
  GatewayFixture f;
  f.three_node_cluster();
  const std::string pd = f.create("ProtectionDomain", {{"name", "pd1"}});
  const HttpResponse response =
      f.call(http::verb::delete_, "/api/instances/ProtectionDomain::" + pd);
  CHECK(response.result_int() == 405);
  CHECK(f.get("/api/instances/ProtectionDomain::" + pd).result_int() == 200);
}

TEST_CASE("an Accept header with a version suffix is refused with 406") {
  GatewayFixture f;
  HttpRequest request{http::verb::get, "/api/version", 11};
  request.set(http::field::authorization, basic_auth("", f.token));
  request.set(http::field::accept, "application/json;version=2.0");
  CHECK(f.gateway.handle(request).result_int() == 406);
}

TEST_CASE("injected errors, timeouts and latency hold until their deadline") {
  GatewayFixture f;
  GatewayFaults faults;
  faults.errors_until = f.clock.now() + std::chrono::seconds(30);
  faults.timeouts_until = f.clock.now() + std::chrono::seconds(60);
  faults.latency = std::chrono::milliseconds(250);
  f.gateway.set_faults(faults);
  HttpResponse response = f.get("/api/version");
  CHECK(response.result_int() == 500);
  CHECK(json::parse(response.body()).at("httpStatusCode") == 500);
  CHECK(f.gateway.should_hang());
  CHECK(f.gateway.latency() == std::chrono::milliseconds(250));
  f.clock.advance(std::chrono::seconds(31));
  CHECK(f.get("/api/version").result_int() == 200);
  CHECK(f.gateway.should_hang());
  f.clock.advance(std::chrono::seconds(30));
  CHECK_FALSE(f.gateway.should_hang());
}

TEST_CASE("without an MDM cluster every object call fails but login works") {
  GatewayFixture f;
  HttpResponse response = f.get("/api/types/System/instances");
  CHECK(response.result_int() == 500);
  CHECK(json::parse(response.body()).at("message") == "Could not connect to the MDM cluster");
  response = f.post("/api/types/ProtectionDomain/instances", {{"name", "pd1"}});
  CHECK(response.result_int() == 500);
  CHECK(f.world.protection_domains().empty());
}

TEST_CASE("unknown paths and types answer 404") {
  GatewayFixture f;
  f.three_node_cluster();
  CHECK(f.get("/api/types/Nonsense/instances").result_int() == 404);
  CHECK(f.get("/api/whatever").result_int() == 404);
}

}  // namespace scaleio::sim::testing
