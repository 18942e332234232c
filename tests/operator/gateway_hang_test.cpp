// A gateway that accepts connections but never answers: /readyz names the hung request within
// --gateway-request-stuck-after plus a poll, long before the client gives up (4 attempts of
// 10 s) and the observer records the gateway unreachable; the gauge shows the wait; healing
// makes the daemon ready again. The real scaleio-operator against the real scaleio-sim.
// The figure (time from hang to 503) goes to stderr as "gateway hang: ..." lines.
#include <catch2/catch.hpp>
#include <iomanip>
#include <iostream>
#include <thread>

#include "cli/operator/settings.h"
#include "tests/operator/operator_fixture.h"
#include "tests/operator/polling.h"

using namespace scaleio::testing;
using nlohmann::json;

namespace {

const std::vector<std::string> kSimArgs = {"--agents", "4", "--seed", "7", "--time-scale", "50"};
constexpr auto kStuckAfter = std::chrono::seconds(2);
constexpr const char* kOldestMetric = "scaleio_operator_gateway_oldest_request_seconds";



struct Readyz {
  int status = 0;
  json body;
};

Readyz readyz(OperatorFixture& f) {
  auto r = f.get("/readyz");
  if (!r) return {};
  auto body = json::parse(r->body, nullptr, false);
  return {r->status, body.is_discarded() ? json(nullptr) : body};
}

std::string hung_request(const Readyz& r) {
  if (r.status != 503 || !r.body.is_object()) return {};
  const json failing = r.body.value("failing", json::object());
  return failing.value("gateway_request", std::string());
}

double oldest_seconds(OperatorFixture& f) {
  return metric_value(f.metrics_text(), kOldestMetric).value_or(-1);
}

}  // namespace

TEST_CASE("gateway hang: the threshold is a duration between 1s and 40s") {
  using scaleio::operator_daemon::parse_settings;
  const std::vector<std::string> base = {
      "scaleio-operator",       "--master",   "127.0.0.1:5050", "--gateway",
      "https://127.0.0.1:8443", "--data-dir", "/tmp/unused"};
  auto no_env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  auto with = [&](const std::string& value) {
    auto argv = base;
    argv.insert(argv.end(), {"--gateway-request-stuck-after", value});
    return parse_settings(argv, no_env);
  };
  auto defaults = parse_settings(base, no_env);
  REQUIRE(defaults.ok());
  CHECK(defaults->settings.gateway_request_stuck_after == std::chrono::seconds(15));
  REQUIRE(with("2s").ok());
  CHECK(with("2s")->settings.gateway_request_stuck_after == std::chrono::seconds(2));
  for (const std::string bad : {"500ms", "41s", "soon"}) {
    INFO(bad);
    auto parsed = with(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message().find("--gateway-request-stuck-after") != std::string::npos);
  }
  auto from_env = parse_settings(base, [](const std::string& name) -> std::optional<std::string> {
    if (name == "SCALEIO_OPERATOR_GATEWAY_REQUEST_STUCK_AFTER") return "45s";
    return std::nullopt;
  });
  REQUIRE_FALSE(from_env.ok());
  CHECK(from_env.status().message().find("40s") != std::string::npos);
}

TEST_CASE("gateway hang: /readyz names a hung gateway request within the threshold") {
  OperatorFixture f(kSimArgs);
  REQUIRE(f.start_operator({"--gateway-request-stuck-after",
                            std::to_string(kStuckAfter.count()) + "s"}) != nullptr);
  REQUIRE(f.wait_ready(std::chrono::seconds(120)));
  CHECK(hung_request(readyz(f)).empty());
  const double before = oldest_seconds(f);
  CHECK(before >= 0);  // exported while nothing hangs
  CHECK(before < kStuckAfter.count());

  Stopwatch clock;
  // Longer than the whole test: only the heal below ends it.
  auto injected = f.control("/gateway/faults", json{{"timeout_for_seconds", 300}}.dump());
  REQUIRE(injected);
  REQUIRE(injected->status == 200);

  std::string why;
  REQUIRE(eventually([&] { return !(why = hung_request(readyz(f))).empty(); },
                     std::chrono::seconds(20)));
  const double detected = clock.seconds();
  std::cerr << "gateway hang: /readyz says: " << why << "\n";
  std::cerr << "gateway hang: 503 naming the request after " << std::fixed << std::setprecision(1)
            << detected << " s (threshold " << kStuckAfter.count()
            << " s, observe interval 0.5 s)\n";
  // The threshold, one observer period for a request to start, and slack for a loaded machine;
  // far below the ~40 s after which the client gives up and the gateway counts as unreachable.
  CHECK(detected < kStuckAfter.count() + 4.0);
  CHECK(why.find("gateway request ") == 0);
  CHECK(why.find(" /api/") != std::string::npos);
  CHECK(why.find(" to " + f.sim().gateway + " in flight for ") != std::string::npos);
  CHECK(why.find("--gateway-request-stuck-after 2s") != std::string::npos);
  CHECK(why.find(kGatewayPassword) == std::string::npos);
  CHECK(why.find(kAdminToken) == std::string::npos);
  // Still reachable as far as the observer knows: this check is what tells, and tells first.
  const Readyz during = readyz(f);
  CHECK_FALSE(during.body["failing"].contains("gateway"));
  const double waited = oldest_seconds(f);
  CHECK(waited >= kStuckAfter.count());
  CHECK(waited < 60);

  Stopwatch healing;
  auto healed = f.control("/gateway/faults", json{{"timeout_for_seconds", 0}}.dump());
  REQUIRE(healed);
  REQUIRE(healed->status == 200);
  // The hung attempt ends at the client's 10 s timeout; the retry is answered.
  CHECK(f.wait_ready(std::chrono::seconds(40)));
  std::cerr << "gateway hang: ready again " << std::fixed << std::setprecision(1)
            << healing.seconds() << " s after the heal\n";
  CHECK(hung_request(readyz(f)).empty());
  CHECK(oldest_seconds(f) < kStuckAfter.count());
}
