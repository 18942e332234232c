// scaleioctl watch against a stand-in daemon on 127.0.0.1 that converges after a few polls of
// GET /v1/drift: exit codes (0 converged, 1 timeout, 2 errors), the bars in pipe mode with one
// line per change, the redraw on a terminal, and the progress arithmetic.
#include <catch2/catch.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <sstream>
#include <thread>

#include "adapters/http/http_server.h"
#include "adapters/http/router.h"
#include "cli/scaleioctl/app.h"
#include "cli/scaleioctl/watch.h"
#include "tests/scaleioctl/run_binary.h"

namespace scaleio::ctl::testing {

namespace {

namespace bhttp = boost::beast::http;
using nlohmann::json;
using Exchange = std::shared_ptr<http::HttpExchange>;

// Two hosts; storage_pools owns 1 domain + 1 pool + 2 SDSs + 3 devices = 7 objects.
json watch_plan() {
  auto node = [](const std::string& host, const std::string& persona, json devices) {
    return json{{"hostname", host},
                {"ip", "10.0.0." + host.substr(host.size() - 1)},
                {"persona", persona},
                {"roles", {"mdm", "sds", "sdc"}},
                {"fault_set", ""},
                {"sds_pools", {{{"domain", "pd1"}, {"pool", "sp1"}, {"devices", devices}}}},
                {"sdc_domains", {"pd1"}},
                {"sdc_pools", {"pd1/sp1"}},
                {"volumes", json::array()},
                {"agent_id", "agent-" + host}};
  };
  return {{"contentHash", "00000000000000aa"},
          {"asOfSequence", 9},
          {"plan",
           {{"nodes",
             {node("host-1", "primary", {"/dev/sdb", "/dev/sdc"}),
              node("host-2", "secondary", {"/dev/sdb"})}},
            {"mdm_cluster",
             {{"valid", true},
              {"size", 1},
              {"primary", "host-1"},
              {"secondaries", json::array()},
              {"tiebreakers", json::array()},
              {"adopt", false},
              {"adopt_mdm_ips", json::array()}}},
            {"volumes", json::array()},
            {"problems", json::array()}}}};
}

// Serves the daemon's read-only API. /v1/drift answers "not converged" with fewer storage_pools
// items on each poll, and "converged" from poll number `converge_at` on (0 = never).
class ConvergingDaemon {
 public:
  explicit ConvergingDaemon(int converge_at) : converge_at_(converge_at) {
    add("/v1/plan", [](const http::Request&) { return watch_plan(); });
    add("/v1/state", [](const http::Request&) {
      json members = json::array();
      members.push_back({{"id", "m1"}, {"name", "host-1"}, {"role", "master"}});
      return json{{"asOfSequence", 9},
                  {"frameworkId", "fw"},
                  {"agents", json::array()},
                  {"tasks", json::array()},
                  {"scaleio",
                   {{"reachable", true},
                    {"stale", false},
                    {"mdmHealthy", true},
                    {"mdmCluster",
                     {{"exists", true},
                      {"mode", "OneNode"},
                      {"state", "ClusteredNormal"},
                      {"goodNodes", 1},
                      {"members", members}}}}}};
    });
    add("/v1/drift", [this](const http::Request&) {
      const int poll = ++drift_polls;
      const bool converged = converge_at_ > 0 && poll >= converge_at_;
      json items = json::array();
      const int left = converged ? 0 : std::max(1, 3 - poll);
      for (int i = 0; i < left; ++i) {
        items.push_back({{"resource", "device/host-1/dev/sd" + std::string(1, char('x' + i))},
                         {"kind", "missing"},
                         {"detail", "not added"},
                         {"sinceSequence", 0}});
      }
      return json{
          {"converged", converged},
          {"asOfSequence", 9},
          {"reconcilers",
           {{"nodes", json::array()}, {"mdm_quorum", json::array()}, {"storage_pools", items}}},
          {"observed", items}};
    });
    add("/v1/reconcilers", [this](const http::Request&) {
      const bool failing = drift_polls.load() < 2;
      auto reconciler = [&](const std::string& name, bool paused, json backoff) {
        return json{{"name", name},
                    {"paused", paused},
                    {"passes", 5},
                    {"lastPassStart", nullptr},
                    {"lastPassEnd", nullptr},
                    {"lastResult", "success"},
                    {"lastError", ""},
                    {"refreshError", ""},
                    {"actionsTotal", 3},
                    {"driftItems", 0},
                    {"nextDue", nullptr},
                    {"backoff", backoff}};
      };
      json backoff = json::array();
      if (failing) {
        backoff.push_back({{"target", "device/host-1/dev/sdx"},
                           {"action", "add_device"},
                           {"failures", 1},
                           {"code", "UNAVAILABLE"},
                           {"error", "busy"},
                           {"nextAttempt", "2026-01-01T00:00:00.000Z"}});
      }
      return json{{"reconcilers",
                   {reconciler("nodes", false, json::array()),
                    reconciler("mdm_quorum", true, json::array()),
                    reconciler("storage_pools", false, backoff)}}};
    });
    add("/v1/events", [](const http::Request& request) {
      const uint64_t from =
          std::stoull(request.query.count("from") ? request.query.at("from") : "1");
      json events = json::array();
      auto action = [](uint64_t seq, const std::string& type, json payload) {
        return json{{"sequence", seq},        {"stream", "reconciler/storage_pools"},
                    {"type", type},           {"time", "2026-01-01T00:00:00.000Z"},
                    {"source", "reconciler"}, {"payload", payload}};
      };
      const json all = {action(1, "ActionStarted",
                               {{"reconciler", "storage_pools"},
                                {"action", "add_device"},
                                {"target", "device/host-1/dev/sdb"}}),
                        action(2, "ActionSucceeded",
                               {{"reconciler", "storage_pools"},
                                {"action", "add_device"},
                                {"target", "device/host-1/dev/sdb"}}),
                        action(3, "ActionFailed",
                               {{"reconciler", "nodes"},
                                {"action", "launch_task"},
                                {"target", "node/host-2"},
                                {"code", "UNAVAILABLE"}})};
      for (const auto& e : all) {
        if (e["sequence"].get<uint64_t>() >= from) events.push_back(e);
      }
      return json{{"events", events},
                  {"next", events.empty() ? from : events.back()["sequence"].get<uint64_t>() + 1},
                  {"lastSequence", 3}};
    });
    server_ = std::make_unique<http::HttpServer>(io_, router_.handler());
    if (!server_->listen("127.0.0.1:0").ok()) throw std::runtime_error("listen failed");
    thread_ = std::thread([this] { io_.run(); });
  }
  ~ConvergingDaemon() {
    boost::asio::post(io_, [this] { server_->stop(); });
    io_.stop();
    thread_.join();
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->local_endpoint().port());
  }

  std::atomic<int> drift_polls{0};

 private:
  void add(const std::string& path, std::function<json(const http::Request&)> document) {
    if (!router_
             .add({"GET", path, "canned", false,
                   [document](const http::Request& r, const Exchange& ex) {
                     ex->respond(http::json_response(bhttp::status::ok, document(r)));
                   }})
             .ok()) {
      throw std::runtime_error("route " + path);
    }
  }

  const int converge_at_;
  boost::asio::io_context io_;
  http::Router router_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
};

struct AppRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

AppRun app(const std::vector<std::string>& args, bool terminal = false) {
  AppEnvironment environment;
  environment.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "NO_COLOR") return "1";
    return std::nullopt;
  };
  environment.stdout_is_terminal = terminal;
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

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("watch --until-converged exits 0 once the daemon converges, one pipe line per change") {
  ConvergingDaemon daemon(4);
  auto run = app({"--server", daemon.url(), "watch", "--until-converged", "--timeout", "30",
                  "--interval", "50ms"});
  INFO("out:\n" << run.out << "err:\n" << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(daemon.drift_polls.load() == 4);
  CHECK(contains(run.err, "converged"));
  // Pipe mode: no screen control, only lines of the form "HH:MM:SS KEY: ...".
  CHECK_FALSE(contains(run.out, "\033["));
  // storage_pools: 7 planned objects; 2 drift items left on poll 1, then 1 (twice), then 0.
  CHECK(contains(run.out, "storage_pools: [##############......] 5/7 done, 2 drift left"));
  CHECK(contains(run.out, "storage_pools: [#################...] 6/7 done, 1 drift left"));
  CHECK(contains(run.out, "storage_pools: [####################] 7/7 done, 0 drift left"));
  CHECK(contains(run.out, "[backoff 1]"));
  CHECK(contains(run.out, "last action add_device device/host-1/dev/sdb: ok"));
  CHECK(contains(run.out, "nodes: [####################] 2/2 done, 0 drift left"));
  CHECK(contains(run.out, "last action launch_task node/host-2: failed UNAVAILABLE"));
  CHECK(contains(run.out, "mdm_quorum: [####################] 2/2 done"));
  CHECK(contains(run.out, "[paused]"));
  CHECK(contains(run.out, "mdm: ClusteredNormal (OneNode, 1/1 good nodes)"));
  CHECK(contains(run.out, "cluster: converged"));
  // Unchanged lines are printed once: the MDM cluster and nodes never change here.
  CHECK(count(run.out, " mdm: ") == 1);
  CHECK(count(run.out, " nodes: ") == 1);
  // 2 left with a target in backoff, 1 left in backoff, 1 left without, 0 left.
  CHECK(count(run.out, " storage_pools: ") == 4);
}

TEST_CASE("watch --until-converged exits 1 when the timeout passes first") {
  ConvergingDaemon daemon(0);
  const auto start = std::chrono::steady_clock::now();
  auto run = app({"--server", daemon.url(), "watch", "--until-converged", "--timeout", "400ms",
                  "--interval", "50ms"});
  const auto took = std::chrono::steady_clock::now() - start;
  INFO("out:\n" << run.out << "err:\n" << run.err);
  CHECK(run.exit_code == 1);
  CHECK(contains(run.err, "not converged after 0.4 s"));
  CHECK(daemon.drift_polls.load() >= 2);
  CHECK(took < std::chrono::seconds(5));
}

TEST_CASE("watch without --until-converged ends with 0 at its timeout") {
  ConvergingDaemon daemon(0);
  auto run = app({"--server", daemon.url(), "watch", "--timeout", "200ms", "--interval", "50ms"});
  INFO(run.err);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.out, "cluster: not converged"));
}

TEST_CASE("watch exits 2 when the daemon cannot be reached, after retrying") {
  // A port that was just free: nothing listens on it.
  std::string url;
  {
    ConvergingDaemon gone(0);
    url = gone.url();
  }
  auto run =
      app({"--server", url, "watch", "--until-converged", "--timeout", "30", "--interval", "50ms"});
  CHECK(run.exit_code == 2);
  CHECK(count(run.err, "(retrying)") == 2);
  CHECK(contains(run.err, "3 polls in a row failed"));
}

TEST_CASE("watch rejects a bad --interval or --timeout with exit 2") {
  CHECK(app({"--server", "http://127.0.0.1:1", "watch", "--interval", "soon"}).exit_code == 2);
  CHECK(app({"--server", "http://127.0.0.1:1", "watch", "--interval", "1ms"}).exit_code == 2);
  CHECK(app({"--server", "http://127.0.0.1:1", "watch", "--timeout", "never"}).exit_code == 2);
}

TEST_CASE("watch on a terminal redraws the screen with a table of reconcilers") {
  ConvergingDaemon daemon(2);
  auto run = app({"--server", daemon.url(), "watch", "--until-converged", "--timeout", "30",
                  "--interval", "50ms"},
                 /*terminal=*/true);
  INFO("out:\n" << run.out << "err:\n" << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(count(run.out, "\033[H\033[2J") == 2);  // one redraw per poll
  CHECK(contains(run.out, "RECONCILER"));
  CHECK(contains(run.out, "[####################]"));
  CHECK(contains(run.out, "MDM cluster: ClusteredNormal"));
}

TEST_CASE("watch --help says what the bar counts and the exit codes") {
  auto run = app({"watch", "--help"});
  CHECK(run.exit_code == 0);
  CHECK(contains(run.out, "--until-converged"));
  CHECK(contains(run.out, "estimate"));
  CHECK(contains(run.out, "1 --timeout passed first"));
}

TEST_CASE("the real binary: watch --until-converged --timeout SECONDS, as scripts/demo calls it") {
  ConvergingDaemon daemon(3);
  auto run = run_scaleioctl({"--server", daemon.url(), "watch", "--until-converged", "--timeout",
                             "20", "--interval", "100ms"});
  INFO("out:\n" << run.out << "err:\n" << run.err);
  CHECK(run.exit_code == 0);
  CHECK(contains(run.out, "cluster: converged"));
}

TEST_CASE("watch progress: planned objects per reconciler and the bar") {
  const json plan = watch_plan()["plan"];
  CHECK(planned_objects(plan, "nodes") == 2);
  CHECK(planned_objects(plan, "mdm_quorum") == 2);     // the cluster and its one member
  CHECK(planned_objects(plan, "storage_pools") == 7);  // pd1, sp1, 2 SDSs, 3 devices
  CHECK(planned_objects(plan, "sdc_mappings") == 2);   // two SDCs, no volumes
  CHECK(planned_objects(plan, "unknown") == 0);
  CHECK(progress_bar(0, 4, 8) == "[........]");
  CHECK(progress_bar(2, 4, 8) == "[####....]");
  CHECK(progress_bar(0, 0, 4) == "[####]");  // nothing to do is done
  ReconcilerProgress p;
  p.planned = 3;
  p.drift_left = 5;  // more drift than planned objects (unexpected objects): never negative
  CHECK(p.done() == 0);
  CHECK(p.total() == 5);
}

}  // namespace scaleio::ctl::testing
