// scaleioctl against a daemon's API (--server): a canned stand-in on 127.0.0.1 serving the JSON
// api_routes.cpp produces. Mostly in-process through run_app, once through the real binary.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "cli/scaleioctl/app.h"
#include "tests/scaleioctl/canned_daemon.h"
#include "tests/scaleioctl/run_binary.h"
#include "tests/support/temp_dir.h"

namespace scaleio::ctl::testing {

namespace {

using nlohmann::json;

struct AppRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

AppRun app(const std::vector<std::string>& args, std::map<std::string, std::string> env = {},
           bool terminal = false, const Clock* clock = &SystemClock::instance()) {
  AppEnvironment environment;
  environment.env = [env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  environment.stdout_is_terminal = terminal;
  environment.clock = clock;
  std::ostringstream out, err;
  AppRun run;
  run.exit_code = run_app(args, out, err, environment);
  run.out = out.str();
  run.err = err.str();
  return run;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("online: plan, status and reconcilers render the daemon's documents") {
  CannedDaemon daemon;
  SECTION("plan: the table shows the plan errors; -o json is the daemon's document") {
    auto run = app({"--server", daemon.url(), "plan"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(contains(run.out, "Plan 0123456789abcdef as of event 17"));
    CHECK(contains(run.out, "cluster-error"));
    CHECK(contains(run.out, "no secondary"));
    auto j = app({"--server", daemon.url(), "-o", "json", "plan"});
    CHECK(json::parse(j.out) == CannedDaemon::plan_json());
  }
  SECTION("status: pools with capacity (protobuf's 64-bit numbers come as strings)") {
    auto run = app({"status", "--server", daemon.url()});  // global flags after the command
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(contains(run.out, "sp-online"));
    CHECK(contains(run.out, "1.0 GiB"));
    CHECK(contains(run.out, "0.5 GiB (50%)"));
    CHECK(contains(run.out, "TASK_RUNNING"));
  }
  SECTION("reconcilers") {
    auto run = app({"--server", daemon.url(), "reconcilers"});
    REQUIRE(run.exit_code == 0);
    CHECK(contains(run.out, "nodes"));
    CHECK(contains(run.out, "paused"));
  }
}

TEST_CASE("online: drift exit codes follow the daemon's converged field") {
  CannedDaemon daemon;
  SECTION("converged") {
    auto run = app({"--server", daemon.url(), "drift"});
    CHECK(run.exit_code == 0);
    CHECK(contains(run.out, "converged"));
  }
  SECTION("drift, through the real binary") {
    daemon.converged = false;
    auto run = run_scaleioctl({"--server", daemon.url(), "drift"});
    INFO(run.err);
    CHECK(run.exit_code == 1);
    CHECK(contains(run.out, "pool/pd1/sp1"));
    CHECK(contains(run.out, "storage_pools"));
  }
  SECTION("colour only on a terminal, and never with NO_COLOR") {
    daemon.converged = false;
    CHECK(contains(app({"--server", daemon.url(), "drift"}, {}, true).out, "\033[31m"));
    CHECK_FALSE(
        contains(app({"--server", daemon.url(), "drift"}, {{"NO_COLOR", "1"}}, true).out, "\033["));
    CHECK_FALSE(contains(app({"--server", daemon.url(), "drift"}, {}, false).out, "\033["));
  }
}

TEST_CASE("online: events pass the filters to the daemon and follow its stream") {
  CannedDaemon daemon;
  const int64_t now = SystemClock::instance().now_unix_ms();
  for (uint64_t i = 1; i <= 6; ++i) {
    // Events 1-3 are 5 hours old, 4-6 one hour old.
    daemon.events.push_back(canned_event(i, i % 2 ? "GatewayReachable" : "GatewayUnreachable",
                                         now - (i <= 3 ? 5 : 1) * 3'600'000,
                                         {{"version", std::to_string(i)}}));
  }
  SECTION("--type, --from, --limit") {
    auto run = app({"--server", daemon.url(), "-o", "json", "events", "--type",
                    "GatewayUnreachable", "--from", "3", "--limit", "5"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    auto j = json::parse(run.out);
    REQUIRE(j["events"].size() == 2);
    CHECK(j["events"][0]["sequence"] == 4);
    CHECK(daemon.requests().back().target == "/v1/events?from=3&limit=5&type=GatewayUnreachable");
  }
  SECTION("--since finds its first event by binary search") {
    auto run = app({"--server", daemon.url(), "-o", "json", "events", "--since", "2h"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    auto j = json::parse(run.out);
    REQUIRE(j["events"].size() == 3);
    CHECK(j["events"][0]["sequence"] == 4);
    CHECK(daemon.requests().size() <= 6);  // a few probes, not a read of the whole log
  }
  SECTION("--follow reads the NDJSON stream and stops after --limit") {
    auto run = app({"--server", daemon.url(), "-o", "json", "events", "--follow", "--stream",
                    "scaleio/gateway", "--limit", "4"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    std::istringstream lines(run.out);
    std::string line;
    std::vector<uint64_t> sequences;
    while (std::getline(lines, line)) sequences.push_back(json::parse(line)["sequence"]);
    CHECK(sequences == std::vector<uint64_t>{1, 2, 3, 4});
    CHECK(daemon.requests().back().target ==
          "/v1/events?from=1&stream=scaleio%2Fgateway&follow=true");
  }
}

TEST_CASE("online: pause and resume send the admin token only in the header") {
  CannedDaemon daemon("s3cret-token");
  scaleio::testing::TempDir dir;
  const std::string token_file = dir.sub("token");
  SECTION("from --token-file") {
    std::ofstream(token_file) << "s3cret-token\n";
    auto run = app({"--server", daemon.url(), "--token-file", token_file, "reconcilers", "pause",
                    "nodes", "--reason", "maintenance"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(contains(run.out, "pause of reconciler nodes requested (event 42)"));
    const auto sent = daemon.requests().back();
    CHECK(sent.method == "POST");
    CHECK(sent.target == "/v1/reconcilers/nodes/pause");
    CHECK(sent.authorization == "Bearer s3cret-token");
    CHECK(json::parse(sent.body) == json{{"reason", "maintenance"}});
  }
  SECTION("from SCALEIO_ADMIN_TOKEN") {
    auto run = app({"--server", daemon.url(), "reconcilers", "resume", "nodes"},
                   {{"SCALEIO_ADMIN_TOKEN", "s3cret-token"}});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    CHECK(daemon.requests().back().target == "/v1/reconcilers/nodes/resume");
  }
  SECTION("a wrong token: 401, the message says it was refused and does not echo it") {
    std::ofstream(token_file) << "wrong-token\n";
    auto run = app(
        {"--server", daemon.url(), "--token-file", token_file, "reconcilers", "pause", "nodes"});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, "refused the admin token"));
    CHECK_FALSE(contains(run.err + run.out, "wrong-token"));
  }
  SECTION("no token: 401, the message says how to give one") {
    auto run = app({"--server", daemon.url(), "reconcilers", "pause", "nodes"});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, "--token-file"));
    CHECK(daemon.requests().back().authorization.empty());
  }
  SECTION("an unknown reconciler: the daemon's message") {
    auto run = app({"--server", daemon.url(), "reconcilers", "pause", "nodez"},
                   {{"SCALEIO_ADMIN_TOKEN", "s3cret-token"}});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, "no reconciler 'nodez'"));
  }
  SECTION("an unreadable token file is named, its content never") {
    auto run = app({"--server", daemon.url(), "--token-file", dir.sub("missing"), "reconcilers",
                    "pause", "nodes"});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, dir.sub("missing")));
  }
  SECTION("there is no flag that takes the token itself") {
    auto run =
        app({"--server", daemon.url(), "--token", "s3cret-token", "reconcilers", "pause", "nodes"});
    CHECK(run.exit_code == 2);
    CHECK(contains(run.err, "--token-file"));
    CHECK_FALSE(contains(run.err, "s3cret-token"));
    CHECK(daemon.requests().empty());
  }
}

TEST_CASE("online: an unreachable daemon and offline-only commands exit 2 with advice") {
  std::string url;
  {
    CannedDaemon gone;  // a port that was just free: nothing listens there now
    url = gone.url();
  }
  auto run = app({"--server", url, "status"});
  CHECK(run.exit_code == 2);
  CHECK(contains(run.err, url));
  CHECK(contains(run.err, "--data-dir"));

  CannedDaemon daemon;
  auto history = app({"--server", daemon.url(), "history", "pool/pd1/sp1"});
  CHECK(history.exit_code == 2);
  CHECK(contains(history.err, "--data-dir"));
  auto at = app({"--server", daemon.url(), "at", "12", "status"});
  CHECK(at.exit_code == 2);
  CHECK(contains(at.err, "--data-dir"));
  auto bad_url = app({"--server", "ftp://x", "status"});
  CHECK(bad_url.exit_code == 2);
  CHECK(contains(bad_url.err, "ftp://x"));
  auto both = app({"--server", daemon.url(), "--data-dir", "/tmp", "status"});
  CHECK(both.exit_code == 2);
  CHECK(contains(both.err, "--data-dir"));
}

}  // namespace scaleio::ctl::testing
