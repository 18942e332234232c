// Token expiry, gateway restarts, 500 storms, timeouts, garbage answers and TLS refusals.
#include <catch2/catch.hpp>

#include "tests/scaleio/client_fixture.h"

namespace scaleio::gateway::testing {

namespace {

std::vector<RecordedRequest> requests_to(const GatewayHarness& gw, const std::string& method,
                                         const std::string& target) {
  std::vector<RecordedRequest> out;
  for (const auto& r : gw.requests()) {
    if (r.method == method && r.target == target) out.push_back(r);
  }
  return out;
}

}  // namespace

TEST_CASE("resilience: an expired token gets one re-login and the same request with its body") {
  ClientFixture f;
  f.gw.three_node_cluster();
  const std::string pd = f.client->create_protection_domain("pd1").value();
  REQUIRE(f.client->session().logins() == 1);

  f.gw.expire_tokens();
  f.gw.clear_requests();
  auto fs = f.client->create_fault_set(pd, "fs1");
  INFO(fs.status().to_string());
  REQUIRE(fs.ok());
  CHECK(f.client->session().logins() == 2);
  const auto posts = requests_to(f.gw, "POST", "/api/types/FaultSet/instances");
  REQUIRE(posts.size() == 2);  // refused with 401, then re-sent
  CHECK(posts[0].body == posts[1].body);
  CHECK(posts[1].body.find("fs1") != std::string::npos);
  CHECK(f.gw.logins() == 1);
  CHECK(f.counters.count("POST", 401) == 1);
  CHECK(f.counters.count("POST", 200) == 2);  // the domain, then the fault set

  // Without expiry the token is reused: no further login.
  REQUIRE(f.client->list_fault_sets().ok());
  CHECK(f.client->session().logins() == 2);
}

TEST_CASE("resilience: a gateway restart closes connections and tokens, the client recovers") {
  ClientFixture f;
  f.gw.three_node_cluster();
  REQUIRE(f.client->list_sdcs().ok());
  CHECK(f.client->session().connections_opened() == 1);
  f.gw.restart();
  auto sdcs = f.client->list_sdcs();
  INFO(sdcs.status().to_string());
  REQUIRE(sdcs.ok());
  CHECK(sdcs->size() == 3);
  CHECK(f.client->session().connections_opened() == 2);
  CHECK(f.client->session().logins() == 2);
  // A mutation after the restart works too (the stale connection is not a lost request).
  f.gw.restart();
  auto pd = f.client->create_protection_domain("pd1");
  INFO(pd.status().to_string());
  CHECK(pd.ok());
}

TEST_CASE("resilience: a 500 storm is retried with capped backoff, then a clear error") {
  ClientFixture f;
  f.gw.three_node_cluster();
  REQUIRE(f.client->version().ok());  // logged in

  SECTION("reads retry and succeed when the storm passes") {
    f.gw.fail_next_with_500(2);
    auto volumes = f.client->list_volumes();
    INFO(volumes.status().to_string());
    REQUIRE(volumes.ok());
    CHECK(f.sleeps.size() == 2);
    CHECK(f.counters.count("GET", 500) == 2);
  }
  SECTION("reads give up after max_attempts with Unavailable") {
    f.gw.fail_next_with_500(1000);
    auto volumes = f.client->list_volumes();
    REQUIRE_FALSE(volumes.ok());
    CHECK(volumes.status().code() == StatusCode::kUnavailable);
    CHECK(volumes.status().message().find("GET /api/types/Volume/instances") != std::string::npos);
    CHECK(volumes.status().message().find("gave up after 4 attempts") != std::string::npos);
    CHECK(f.counters.count("GET", 500) == 4);
    // random() = 0.5 and jitter 0.5: 75% of 200, 400, 800 ms.
    CHECK(f.sleeps == std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(150),
                                                             std::chrono::milliseconds(300),
                                                             std::chrono::milliseconds(600)});
    f.gw.fail_next_with_500(0);
  }
  SECTION("backoff is capped") {
    f.reconfigure([](GatewayClientOptions& o) {
      o.retry.max_attempts = 8;
      o.retry.max_backoff = std::chrono::milliseconds(500);
      o.random = [] { return 0.0; };
    });
    f.gw.fail_next_with_500(1000);
    CHECK_FALSE(f.client->list_volumes().ok());
    REQUIRE(f.sleeps.size() == 7);
    CHECK(f.sleeps.back() == std::chrono::milliseconds(500));
    f.gw.fail_next_with_500(0);
  }
  SECTION("idempotent creates retry") {
    f.gw.fail_next_with_500(1);
    CHECK(f.client->create_protection_domain("pd1").ok());
    CHECK(f.sleeps.size() == 1);
  }
  SECTION("other mutations are not repeated") {
    const std::string pd = f.client->create_protection_domain("pd1").value();
    f.gw.fail_next_with_500(1000);
    f.gw.clear_requests();
    Status removed = f.client->remove_protection_domain(pd);
    CHECK(removed.code() == StatusCode::kUnavailable);
    CHECK(f.gw.requests().size() == 1);
    CHECK(f.sleeps.empty());
    f.gw.fail_next_with_500(0);
  }
}

TEST_CASE("resilience: an SDS refused because its host does not run the package is sent once") {
  ClientFixture f;
  f.gw.three_node_cluster();
  auto pd = f.client->create_protection_domain("pd1");
  REQUIRE(pd.ok());
  sio::NewSds spec;
  spec.name = "not-installed";
  spec.protection_domain_id = *pd;
  spec.ips = {{"10.0.0.99", "all"}};  // no node installed there
  f.gw.clear_requests();
  auto sds = f.client->create_sds(spec);
  REQUIRE_FALSE(sds.ok());
  INFO(sds.status().to_string());
  // Repeating it at once cannot help: the reconciler waits (its backoff), the client does not.
  CHECK(sds.status().code() == StatusCode::kFailedPrecondition);
  CHECK(requests_to(f.gw, "POST", "/api/types/Sds/instances").size() == 1);
  CHECK(f.sleeps.empty());
}

TEST_CASE("resilience: timeouts are per request, reads retry, mutations report the unknown") {
  ClientFixture f;
  f.reconfigure(
      [](GatewayClientOptions& o) { o.request_timeout = std::chrono::milliseconds(300); });
  f.gw.three_node_cluster();
  REQUIRE(f.client->version().ok());

  SECTION("one hung read is retried on a fresh connection") {
    f.gw.hang_next(1);
    auto pds = f.client->list_protection_domains();
    INFO(pds.status().to_string());
    REQUIRE(pds.ok());
    CHECK(f.sleeps.size() == 1);
    CHECK(f.counters.count("GET", 0) == 1);
    CHECK(f.client->session().connections_opened() == 2);
  }
  SECTION("a gateway that never answers gives DeadlineExceeded") {
    f.gw.hang_next(1000);
    auto pds = f.client->list_protection_domains();
    REQUIRE_FALSE(pds.ok());
    CHECK(pds.status().code() == StatusCode::kDeadlineExceeded);
    CHECK(pds.status().message().find("within 300 ms") != std::string::npos);
    CHECK(f.counters.count("GET", 0) == 4);
    f.gw.hang_next(0);
  }
  SECTION("a hung mutation is sent once") {
    f.gw.hang_next(1000);
    f.gw.clear_requests();
    Status s = f.client->set_sdc_name("0123456789abcdef", "x");
    CHECK(s.code() == StatusCode::kDeadlineExceeded);
    CHECK(f.gw.requests().size() == 1);
    f.gw.hang_next(0);
  }
}

TEST_CASE("resilience: a garbage answer is a clear error naming the endpoint") {
  ClientFixture f;
  f.gw.three_node_cluster();
  REQUIRE(f.client->version().ok());
  f.gw.garbage_next(1);
  auto volumes = f.client->list_volumes();
  REQUIRE_FALSE(volumes.ok());
  CHECK(volumes.status().code() == StatusCode::kInvalidArgument);
  CHECK(volumes.status().message().find("GET /api/types/Volume/instances") != std::string::npos);
  CHECK(volumes.status().message().find("not JSON") != std::string::npos);

  f.gw.garbage_next(1, R"({"unexpected":true})");
  auto sdss = f.client->list_sds();
  REQUIRE_FALSE(sdss.ok());
  CHECK(sdss.status().message().find("expected a JSON array") != std::string::npos);

  f.gw.garbage_next(1, R"([{"id":"1234567890abcdef","name":7,"ipList":"x","port":"7072"}])");
  auto odd = f.client->list_sds();  // odd field types are tolerated
  INFO(odd.status().to_string());
  REQUIRE(odd.ok());
  CHECK((*odd)[0].name == "7");
  CHECK((*odd)[0].port == 7072);

  f.gw.garbage_next(1, R"({"System": 5, "sdsList": {"no": "array"}})");
  auto inventory = f.client->query_instances();
  REQUIRE_FALSE(inventory.ok());
  CHECK(inventory.status().message().find("GET /api/instances sdsList") != std::string::npos);
  CHECK(f.client->list_volumes().ok());  // and the client still works
}

TEST_CASE("resilience: TLS verification is on by default, skipping it must be explicit") {
  ClientFixture f;
  SECTION("without the CA the certificate is refused") {
    GatewayClientOptions options = f.base_options();
    options.tls.ca_file.clear();
    auto client = f.make(options);
    auto version = client->version();
    REQUIRE_FALSE(version.ok());
    CHECK(version.status().code() == StatusCode::kFailedPrecondition);
    CHECK(version.status().message().find("could not be verified") != std::string::npos);
    CHECK(f.sleeps.empty());  // not retried: it will not heal by itself
  }
  SECTION("the CA as PEM text works like the file") {
    GatewayClientOptions options = f.base_options();
    options.tls.ca_file.clear();
    options.tls.ca_pem = f.gw.ca_pem();
    CHECK(f.make(options)->version().ok());
  }
  SECTION("a certificate for another name is refused even with the CA") {
    GatewayClientOptions options = f.base_options();
    options.url.host = "127.0.0.2";  // not in the certificate (and still loopback)
    auto version = f.make(options)->version();
    REQUIRE_FALSE(version.ok());
  }
  SECTION("explicitly insecure") {
    GatewayClientOptions options = f.base_options();
    options.tls.ca_file.clear();
    options.tls.insecure_skip_verify = true;
    CHECK(f.make(options)->version().ok());
  }
  SECTION("a missing CA file is reported at construction") {
    GatewayClientOptions options = f.base_options();
    options.tls.ca_file = "/nonexistent/ca.pem";
    auto client = HttpGatewayClient::create(options);
    REQUIRE_FALSE(client.ok());
    CHECK(client.status().message().find("/nonexistent/ca.pem") != std::string::npos);
  }
}

TEST_CASE("resilience: plain http:// works too") {
  ClientFixture f(/*tls=*/false);
  CHECK(f.client->version().value() == "2.0.1");
}

TEST_CASE("resilience: wrong credentials are Unauthenticated and the password never shows") {
  ClientFixture f;
  f.gw.three_node_cluster();
  const std::string secret = "Very$ecret-Passw0rd";
  f.reconfigure([&](GatewayClientOptions& o) { o.credentials.password = Password(secret); });
  std::vector<Status> errors;
  auto version = f.client->version();
  errors.push_back(version.status());
  errors.push_back(f.client->create_protection_domain("pd9").status());
  errors.push_back(f.client->remove_sds("0123456789abcdef"));
  CHECK(version.status().code() == StatusCode::kUnauthenticated);
  CHECK(version.status().message().find("admin") != std::string::npos);
  for (const auto& e : errors) {
    CHECK_FALSE(e.ok());
    CHECK(e.to_string().find(secret) == std::string::npos);
  }
  // Nothing of the password travels except in the login's Authorization header.
  for (const auto& r : f.gw.requests()) CHECK(r.body.find(secret) == std::string::npos);
  CHECK(f.sleeps.empty());
}

TEST_CASE("resilience: requests are counted by method and status") {
  ClientFixture f;
  f.gw.three_node_cluster();
  REQUIRE(f.client->list_volumes().ok());
  REQUIRE(f.client->create_protection_domain("pd1").ok());
  CHECK(f.counters.count("GET", 200) == 2);  // login + list
  CHECK(f.counters.count("POST", 200) == 1);
  CHECK(f.client->create_protection_domain("pd1").ok());
  CHECK(f.counters.count("POST", 500) == 1);  // the clash, then the lookup
  CHECK(f.counters.count("POST", 200) == 2);
}

}  // namespace scaleio::gateway::testing
