// Reliability and security of the real daemon (issue 10): no secret leaks after an end-to-end
// run, TLS verification on by default, SIGKILL at random moments during convergence, and a data
// disk that fills up under a running daemon.
//
// The crash test runs SCALEIO_CRASH_ROUNDS kills (default 30) over SCALEIO_CRASH_AGENTS agents
// (default 12); SCALEIO_CRASH_SEED replays a printed seed.
#include <algorithm>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include <unistd.h>

#include "tests/eventlog/small_disk.h"
#include "tests/operator/operator_fixture.h"

using namespace scaleio::testing;
using nlohmann::json;

namespace {

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

bool converged(const json& drift) {
  return drift.value("converged", false);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

// Every event of the log through the API's pages, checking nothing on the way.
std::vector<json> all_events(OperatorFixture& f) {
  std::vector<json> out;
  uint64_t from = 1;
  for (int page = 0; page < 1000; ++page) {
    const json j = f.get_json("/v1/events?limit=10000&from=" + std::to_string(from));
    if (!j.contains("events") || j["events"].empty()) break;
    for (const auto& e : j["events"]) out.push_back(e);
    from = j["next"].get<uint64_t>();
    if (from > j["lastSequence"].get<uint64_t>()) break;
  }
  return out;
}

// The sequences are 1..N with no gap and no repeat.
bool contiguous(const std::vector<json>& events) {
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i]["sequence"].get<uint64_t>() != i + 1) return false;
  }
  return true;
}

// Keys of one kind of ScaleIO object in the simulated world, with duplicates kept.
std::multiset<std::string> names_of(const json& world, const std::string& list) {
  std::multiset<std::string> out;
  for (const auto& o : world["scaleio"][list]) out.insert(o.value("name", std::string()));
  return out;
}

std::multiset<std::string> devices_of(const json& world) {
  std::multiset<std::string> out;
  for (const auto& d : world["scaleio"]["deviceList"]) {
    out.insert(d.value("sdsId", std::string()) + ":" +
               d.value("deviceCurrentPathName", std::string()));
  }
  return out;
}

bool no_duplicates(const std::multiset<std::string>& names) {
  return std::set<std::string>(names.begin(), names.end()).size() == names.size();
}

void check_no_secret(const std::string& where, const std::string& text) {
  INFO(where);
  CHECK(text.find(kAdminToken) == std::string::npos);
  CHECK(text.find(kGatewayPassword) == std::string::npos);
}

}  // namespace

TEST_CASE("no secret appears in logs, events, responses, metrics or argv after a full run") {
  OperatorFixture f;
  const std::string stderr_file = f.dir().path() + "/operator.stderr";
  f.capture_operator_stderr(stderr_file);
  auto* op = f.start_operator();
  REQUIRE(op);
  const std::string cmdline = read_file("/proc/" + std::to_string(op->process->pid()) + "/cmdline");
  REQUIRE_FALSE(cmdline.empty());
  CHECK(cmdline.find("scaleio-operator") != std::string::npos);  // the operator, not the shell
  check_no_secret("/proc/<pid>/cmdline", cmdline);

  const json drift = f.wait_for("/v1/drift", converged, 300s);
  INFO(drift.dump(1));
  REQUIRE(converged(drift));

  std::vector<std::pair<std::string, std::string>> bodies;  // what, body
  const json index = f.get_json("/");
  REQUIRE(index.is_array());
  for (const auto& route : index) {
    if (route["method"] != "GET") continue;
    std::string path = route["path"];
    if (auto at = path.find("{name}"); at != std::string::npos) path.replace(at, 6, "nodes");
    auto response = f.get(path);
    REQUIRE(response);
    CHECK(response->status < 500);
    bodies.emplace_back("GET " + path, response->body);
  }
  auto wrong = f.post("/v1/reconcilers/nodes/pause", "", bearer("not-the-token"));
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  bodies.emplace_back("POST with a wrong token", wrong->body);
  auto paused = f.post("/v1/reconcilers/nodes/pause", R"({"reason":"audit"})", bearer(kAdminToken));
  REQUIRE(paused);
  CHECK(paused->status == 202);
  bodies.emplace_back("POST pause", paused->body);
  auto resumed = f.post("/v1/reconcilers/nodes/resume", "", bearer(kAdminToken));
  REQUIRE(resumed);
  CHECK(resumed->status == 202);
  bodies.emplace_back("POST resume", resumed->body);
  auto metrics = f.get("/metrics");
  REQUIRE(metrics);
  bodies.emplace_back("GET /metrics (after the commands)", metrics->body);

  const auto events = all_events(f);
  REQUIRE(events.size() > 10);
  CHECK(contiguous(events));
  for (const auto& e : events) check_no_secret("event " + e["sequence"].dump(), e.dump());
  for (const auto& [what, body] : bodies) check_no_secret(what, body);

  // The data dir is private: events name hosts and addresses.
  struct stat st {};
  REQUIRE(::stat(f.data_dir().c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);

  op->process->kill(SIGTERM);
  CHECK(op->process->wait(20s) == 0);
  const std::string log = read_file(stderr_file);
  CHECK(log.size() > 100);  // it did log (at info), so the check below means something
  check_no_secret("operator stderr", log);
  // (The --listen default, 127.0.0.1:9110, is asserted by settings_test.cpp.)
}

TEST_CASE("the gateway's certificate is verified by default") {
  TempDir ca_dir;
  const std::string ca = ca_dir.path() + "/gateway-ca.pem";
  OperatorFixture f({"--agents", "3", "--seed", "7", "--time-scale", "50", "--gateway-tls",
                     "--gateway-ca-out", ca});
  REQUIRE(f.sim().gateway.rfind("https://", 0) == 0);

  // No CA given and not --gateway-insecure: the self-signed gateway is refused.
  REQUIRE(f.start_operator());
  const json refused = f.wait_for(
      "/readyz",
      [](const json& j) {
        return j.contains("failing") && j["failing"].contains("gateway") &&
               j["failing"]["gateway"].get<std::string>().find(':') != std::string::npos;
      },
      30s);
  INFO(refused.dump());
  CHECK(refused["ready"] == false);
  const std::string why = refused["failing"].value("gateway", std::string());
  const bool names_tls = why.find("certificate") != std::string::npos ||
                         why.find("TLS") != std::string::npos ||
                         why.find("verify") != std::string::npos;
  CHECK(names_tls);
  f.operator_process()->process->kill(SIGTERM);
  REQUIRE(f.operator_process()->process->wait(20s) == 0);

  // With the sim's CA it verifies and becomes ready.
  REQUIRE(f.start_operator({"--gateway-ca-file", ca}));
  CHECK(f.wait_ready(60s));
}

TEST_CASE("SIGKILLed at random moments during convergence, the daemon still converges once") {
  const int rounds = env_int("SCALEIO_CRASH_ROUNDS", 30);
  const int agents = env_int("SCALEIO_CRASH_AGENTS", 12);
  const auto seed = static_cast<uint64_t>(
      env_int("SCALEIO_CRASH_SEED", static_cast<int>(std::random_device()() & 0x7fffffff)));
  std::cerr << "crash test: " << rounds << " rounds, " << agents
            << " agents, SCALEIO_CRASH_SEED=" << seed << "\n";
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> delay_ms(500, 3000);

  // The simulated world in real time (time scale 1; the other tests run it 50 times faster), so
  // that installs and MDM operations last long enough for most kills to fall mid-convergence.
  const int time_scale = env_int("SCALEIO_CRASH_TIME_SCALE", 1);
  OperatorFixture f({"--agents", std::to_string(agents), "--seed", "7", "--time-scale",
                     std::to_string(time_scale)});
  // Each run's log goes to a file, so that a restart that fails shows why (its last lines).
  const std::string operator_log = f.dir().path() + "/operator.log";
  f.capture_operator_stderr(operator_log);
  auto log_tail = [&] {
    const std::string text = read_file(operator_log);
    return text.substr(text.size() > 6000 ? text.size() - 6000 : 0);
  };
  std::set<std::string> frameworks;
  std::vector<uint64_t> killed_at;  // the log's last sequence at each kill
  const auto started = std::chrono::steady_clock::now();
  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round << " seed " << seed);
    auto* op = f.start_operator();
    if (!op)
      FAIL("the operator did not start in round " << round << " (" << f.start_problem()
                                                  << "); its log ends:\n"
                                                  << log_tail());
    // The random moment is the point here, not a synchronization.
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    const json state = f.get_json("/v1/state");
    if (!state.is_null() && !state.value("frameworkId", std::string()).empty()) {
      frameworks.insert(state["frameworkId"].get<std::string>());
    }
    const json drift_at_kill = f.get_json("/v1/drift");
    killed_at.push_back(drift_at_kill.is_object() ? drift_at_kill.value("asOfSequence", 0) : 0);
    std::cerr << "crash test: round " << round << " killed at event " << killed_at.back()
              << (converged(drift_at_kill) ? ", converged" : "") << "\n";
    op->process->kill(SIGKILL);
    REQUIRE(op->process->wait(10s) == 128 + SIGKILL);
  }
  const auto kills_took = std::chrono::steady_clock::now() - started;

  if (!f.start_operator())
    FAIL("the operator did not start after the kills (" << f.start_problem() << "); its log ends:\n"
                                                        << log_tail());
  const json drift = f.wait_for("/v1/drift", converged, 300s);
  const auto total = std::chrono::steady_clock::now() - started;
  INFO(drift.dump(1));
  REQUIRE(converged(drift));
  // A converged cluster appends nothing, so a kill that saw fewer events than the converged log
  // holds fell while the cluster was still converging.
  const uint64_t converged_at = drift.value("asOfSequence", 0);
  const auto during = std::count_if(killed_at.begin(), killed_at.end(),
                                    [&](uint64_t at) { return at < converged_at; });
  std::cerr << "crash test: " << rounds << " kills in "
            << std::chrono::duration_cast<std::chrono::seconds>(kills_took).count() << " s ("
            << during << " before convergence at event " << converged_at << "), converged after "
            << std::chrono::duration_cast<std::chrono::seconds>(total).count() << " s in all\n";
  // The premise: the kills fell while the cluster was converging, not after.
  CHECK(during >= rounds / 2);

  const json state = f.get_json("/v1/state");
  frameworks.insert(state.value("frameworkId", std::string()));
  CHECK(frameworks.size() == 1);  // the framework (and its tasks) survived every kill
  const json world = f.world();
  CHECK(no_duplicates(names_of(world, "protectionDomainList")));
  CHECK(no_duplicates(names_of(world, "storagePoolList")));
  CHECK(no_duplicates(names_of(world, "sdsList")));
  CHECK(no_duplicates(names_of(world, "volumeList")));
  CHECK(no_duplicates(devices_of(world)));
  CHECK(names_of(world, "sdsList").size() >= static_cast<size_t>(agents));
  CHECK(names_of(world, "volumeList").size() >= 1);
  const auto events = all_events(f);
  REQUIRE_FALSE(events.empty());
  CHECK(contiguous(events));
}

TEST_CASE("a full data disk refuses commands clearly, keeps serving reads, and recovers") {
  OperatorFixture f({"--agents", "3", "--seed", "7", "--time-scale", "50"});
  // A small tmpfs over the data dir, so the test can fill the disk under the running daemon (root
  // bypasses file modes, and an open WAL keeps writing after a chmod, so modes cannot do it).
  SmallTmpfs disk(f.data_dir(), "32m");
  if (!disk.mounted()) {
    FAIL("cannot mount a tmpfs over the data dir (the suite runs as root: needs CAP_SYS_ADMIN): "
         << disk.error());
  }
  REQUIRE(f.start_operator());
  const json drift = f.wait_for("/v1/drift", converged, 300s);
  INFO(drift.dump(1));
  REQUIRE(converged(drift));

  REQUIRE(disk.fill() > 0);
  // The WAL's last page may still hold a few small events: append until a write needs a page.
  std::optional<scaleio::sim::test::RawResponse> refused;
  for (int i = 0; i < 200 && !refused; ++i) {
    auto r = f.post(std::string("/v1/reconcilers/nodes/") + (i % 2 ? "resume" : "pause"),
                    R"({"reason":"fill the page"})", bearer(kAdminToken));
    REQUIRE(r);
    if (r->status != 202) refused = r;
  }
  REQUIRE(refused);
  std::cerr << "full disk: " << refused->status << " " << refused->body << "\n";
  INFO(refused->body);
  CHECK(refused->status == 503);
  CHECK_THAT(refused->body, Catch::Contains("RESOURCE_EXHAUSTED") ||
                                Catch::Contains("space", Catch::CaseSensitive::No));

  // Readiness names the event log and why (once the space the closed log gave back is taken too:
  // with it, a readiness check reopens the log, rightly, as there is room again).
  disk.fill();
  const json readiness = f.get_json("/readyz");
  INFO(readiness.dump());
  CHECK_FALSE(readiness.value("ready", true));
  CHECK(readiness["failing"].contains("eventlog"));

  // Reads keep working on a full disk.
  auto state = f.get("/v1/state");
  REQUIRE(state);
  CHECK(state->status == 200);
  auto metrics = f.get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->status == 200);
  CHECK(f.operator_process()->process->wait(0ms) == -1);  // still running

  // Space comes back: the next command is accepted, by the same process, without a restart.
  disk.free_space();
  const auto freed = std::chrono::steady_clock::now();
  std::optional<scaleio::sim::test::RawResponse> accepted;
  for (int i = 0; i < 100 && !(accepted && accepted->status == 202); ++i) {
    if (i > 0) std::this_thread::sleep_for(100ms);  // only if the first one was refused
    accepted =
        f.post("/v1/reconcilers/nodes/pause", R"({"reason":"space is back"})", bearer(kAdminToken));
    REQUIRE(accepted);
  }
  INFO(accepted->body);
  REQUIRE(accepted->status == 202);
  std::cerr << "full disk: a command was accepted again "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - freed)
                   .count()
            << " ms after space came back\n";
  auto resumed =
      f.post("/v1/reconcilers/nodes/resume", R"({"reason":"space is back"})", bearer(kAdminToken));
  REQUIRE(resumed);
  CHECK(resumed->status == 202);
  CHECK(f.wait_ready(60s));
  CHECK(f.operator_process()->process->wait(0ms) == -1);  // still the same process
}
