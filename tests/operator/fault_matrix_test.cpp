// The daemon-level fault matrix of issue 10: the real scaleio-operator against the real
// scaleio-sim, one fault at a time injected into a converged 4-agent cluster through the
// simulator's control API. For each fault the test asserts what the operator says WHILE it lasts
// (an event, a drift item, a metric or a log line naming the cause) and that it does nothing
// unsafe meanwhile (no removal, no second create), then that it converges AFTER with the same
// framework, nothing created twice (the sim's world before and after) and no event lost.
//
// Related faults share one cluster in sequential phases (INFO names the phase), so the file stays
// within a few minutes. Figures (time to detect, time to converge again) go to stderr as
// "fault matrix: ..." lines; docs/reliability.md quotes them. SCALEIO_FAULT_MATRIX_LOGS=DIR keeps
// the operator's logs there.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/operator/operator_fixture.h"
#include "tests/operator/polling.h"

using namespace scaleio::testing;
using nlohmann::json;

namespace {

// 4 agents: node-01 primary, node-02 secondary, node-03 tiebreaker, node-04 data only.
const std::vector<std::string> kSimArgs = {"--agents", "4", "--seed", "7", "--time-scale", "50"};
constexpr const char* kDataHost = "node-04";
constexpr auto kConverge = std::chrono::seconds(180);

bool converged(const json& drift) {
  return drift.value("converged", false);
}


void figure(const std::string& fault, const std::string& what, double seconds) {
  std::cerr << "fault matrix: " << fault << ": " << what << " " << std::fixed
            << std::setprecision(1) << seconds << " s\n";
}


bool terminal(const std::string& state) {
  static const std::set<std::string> kTerminal = {
      "TASK_FINISHED", "TASK_FAILED",  "TASK_KILLED", "TASK_ERROR",
      "TASK_LOST",     "TASK_DROPPED", "TASK_GONE",   "TASK_GONE_BY_OPERATOR"};
  return kTerminal.count(state) > 0;
}

// What a fault must not change: the frameworks, the live Mesos tasks and every ScaleIO object,
// by id (an object created twice has a second id).
using Inventory = std::map<std::string, std::multiset<std::string>>;

Inventory inventory(const json& world) {
  Inventory out;
  for (const auto& f : world["frameworks"]) out["frameworks"].insert(f.value("id", std::string()));
  for (const auto& t : world["tasks"]) {
    if (terminal(t.value("state", std::string()))) continue;
    out["tasks"].insert(t.value("task_id", std::string()) + "@" + t.value("hostname", ""));
  }
  for (const char* list : {"protectionDomainList", "storagePoolList", "sdsList", "sdcList",
                           "volumeList", "faultSetList"}) {
    auto& keys = out[list];
    for (const auto& o : world["scaleio"][list]) {
      keys.insert(o.value("id", std::string()) + " " + o.value("name", std::string()));
    }
  }
  for (const auto& d : world["scaleio"]["deviceList"]) {
    out["deviceList"].insert(d.value("sdsId", std::string()) + ":" +
                             d.value("deviceCurrentPathName", std::string()));
  }
  return out;
}

std::string describe(const Inventory& inventory) {
  std::ostringstream out;
  for (const auto& [kind, keys] : inventory) {
    out << kind << ":";
    for (const auto& k : keys) out << " " << k;
    out << "\n";
  }
  return out.str();
}

bool no_duplicates(const Inventory& inventory) {
  for (const auto& [_, keys] : inventory) {
    if (std::set<std::string>(keys.begin(), keys.end()).size() != keys.size()) return false;
  }
  return true;
}

// Live Mesos tasks of `host` in the simulated world (task id -> state).
std::map<std::string, std::string> live_tasks_on(const json& world, const std::string& host) {
  std::map<std::string, std::string> out;
  for (const auto& t : world["tasks"]) {
    if (t.value("hostname", std::string()) != host) continue;
    const std::string state = t.value("state", std::string());
    if (!terminal(state)) out[t.value("task_id", std::string())] = state;
  }
  return out;
}

std::string agent_id_of(const json& world, const std::string& host) {
  for (const auto& a : world["agents"]) {
    if (a.value("hostname", std::string()) == host) return a.value("agent_id", std::string());
  }
  return {};
}

std::string attributes_of(const json& world, const std::string& host) {
  for (const auto& a : world["agents"]) {
    if (a.value("hostname", std::string()) != host) continue;
    std::string text;
    for (const auto& [name, value] : a["attributes"].items()) {
      text += (text.empty() ? "" : ";") + name + ":" + value.get<std::string>();
    }
    return text;
  }
  return {};
}

// Events of `type` appended after `sequence`.
std::vector<json> events_after(OperatorFixture& f, uint64_t sequence, const std::string& type) {
  const json page =
      f.get_json("/v1/events?limit=10000&type=" + type + "&from=" + std::to_string(sequence + 1));
  std::vector<json> out;
  if (page.contains("events")) {
    for (const auto& e : page["events"]) out.push_back(e);
  }
  return out;
}

uint64_t last_sequence(OperatorFixture& f) {
  const json page = f.get_json("/v1/events?limit=1");
  return page.value("lastSequence", uint64_t{0});
}

std::string actions_text(const std::vector<json>& actions) {
  std::string out;
  for (const auto& a : actions) {
    out += a["payload"].value("reconciler", std::string()) + " " +
           a["payload"].value("action", std::string()) + " " +
           a["payload"].value("target", std::string()) + "\n";
  }
  return out;
}

// The operator's captured stderr: how often a text occurs in it.
size_t occurrences(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find(needle) != std::string::npos) ++n;
  }
  return n;
}

double metric_or(OperatorFixture& f, const std::string& name, const std::string& labels = "",
                 double fallback = -1) {
  return metric_value(f.metrics_text(), name, labels).value_or(fallback);
}

// The drift items (all reconcilers and the observed diff) whose resource or detail mentions
// `needle`, one per line.
std::string drift_mentioning(const json& drift, const std::string& needle) {
  std::string out;
  auto scan = [&](const json& items) {
    for (const auto& item : items) {
      const std::string line = item.value("resource", std::string()) + " [" +
                               item.value("kind", std::string()) + "] " +
                               item.value("detail", std::string());
      if (line.find(needle) != std::string::npos) out += line + "\n";
    }
  };
  if (drift.contains("reconcilers")) {
    for (const auto& [_, items] : drift["reconcilers"].items()) scan(items);
  }
  if (drift.contains("observed")) scan(drift["observed"]);
  return out;
}

// Where the operator's stderr goes: the test's temporary dir, or SCALEIO_FAULT_MATRIX_LOGS/<name>
// to keep it for reading after the run.
std::string operator_log(OperatorFixture& f, const std::string& name) {
  const char* keep = std::getenv("SCALEIO_FAULT_MATRIX_LOGS");
  if (keep && *keep) {
    const std::string path = std::string(keep) + "/" + name + ".stderr";
    std::ofstream(path, std::ios::trunc);
    std::cerr << "fault matrix: operator log in " << path << "\n";
    return path;
  }
  return f.dir().path() + "/operator.stderr";
}

// A converged cluster with the operator's stderr in `log`.
void start_converged(OperatorFixture& f, const std::string& log,
                     const std::vector<std::string>& operator_args = {}) {
  f.capture_operator_stderr(log);
  REQUIRE(f.start_operator(operator_args));
  Stopwatch clock;
  const json drift = f.wait_for("/v1/drift", converged, kConverge);
  INFO(drift.dump(1));
  REQUIRE(converged(drift));
  figure("setup", "first convergence after", clock.seconds());
}

}  // namespace

TEST_CASE(
    "Mesos and agent faults: master failover with redirect, a dropped stream, lost heartbeats, an "
    "agent partition, a failing task and an attribute change heal with the same framework") {
  std::vector<std::string> sim_args = kSimArgs;
  // The operator's watchdog declares a stream dead after 5 silent heartbeat intervals.
  sim_args.insert(sim_args.end(), {"--heartbeat-seconds", "1"});
  OperatorFixture f(sim_args);
  const std::string log = operator_log(f, "mesos-agents");
  start_converged(f, log);
  const std::string framework = f.get_json("/v1/state").value("frameworkId", std::string());
  REQUIRE_FALSE(framework.empty());
  const Inventory before = inventory(f.world());
  REQUIRE(before.at("tasks").size() == 4);

  auto subscribed_again = [&](const std::string& old_stream) {
    return [&f, old_stream] {
      const json world = f.world();
      return world["frameworks"].size() == 1 && world["frameworks"][0]["connected"] == true &&
             world["frameworks"][0]["stream_id"] != old_stream &&
             metric_or(f, "scaleio_operator_mesos_subscribed") == 1.0;
    };
  };
  auto stream_of = [&f] { return f.world()["frameworks"][0].value("stream_id", std::string()); };
  auto quiet_and_same = [&](uint64_t since, const char* phase) {
    INFO(phase);
    const json drift = f.wait_for("/v1/drift", converged, kConverge);
    INFO(drift.dump(1));
    CHECK(converged(drift));
    CHECK(f.get_json("/v1/state").value("frameworkId", std::string()) == framework);
    const auto actions = events_after(f, since, "ActionStarted");
    INFO("actions:\n" << actions_text(actions));
    CHECK(actions.empty());  // a converged cluster needs nothing, whatever Mesos does
    CHECK(events_after(f, since, "AgentRemoved").empty());
    const Inventory after = inventory(f.world());
    INFO("before:\n" << describe(before) << "after:\n" << describe(after));
    CHECK(after == before);
  };

  {
    INFO("phase: master failover with redirect");
    const uint64_t since = last_sequence(f);
    const size_t disconnects = occurrences(log, "disconnected; reconnecting");
    const std::string old_stream = stream_of();
    const json world = f.world();
    REQUIRE(world["master"]["leader"] == f.sim().mesos);
    Stopwatch clock;
    auto failover = f.control("/mesos/failover");
    REQUIRE(failover);
    REQUIRE(failover->status == 200);
    CHECK(eventually([&] { return occurrences(log, "disconnected; reconnecting") > disconnects; },
                     20s));
    const double detected = clock.seconds();
    // The operator knows only the old leader's address (--master): the new leader is reached by
    // following its 307.
    CHECK(f.world()["master"]["leader"] == f.sim().mesos_standby);
    CHECK(eventually(subscribed_again(old_stream), 60s));
    const double resubscribed = clock.seconds();
    quiet_and_same(since, "after the failover");
    figure("master failover", "stream loss seen after", detected);
    figure("master failover", "subscribed at the new leader after", resubscribed);
    figure("master failover", "converged again after", clock.seconds());
  }
  {
    INFO("phase: subscription stream dropped without a failover");
    const uint64_t since = last_sequence(f);
    const size_t disconnects = occurrences(log, "disconnected; reconnecting");
    const std::string leader = f.world()["master"]["leader"];
    const std::string old_stream = stream_of();
    Stopwatch clock;
    auto dropped = f.control("/mesos/drop-streams");
    REQUIRE(dropped);
    REQUIRE(dropped->status == 200);
    CHECK(eventually([&] { return occurrences(log, "disconnected; reconnecting") > disconnects; },
                     20s));
    const double detected = clock.seconds();
    CHECK(eventually(subscribed_again(old_stream), 60s));
    const double resubscribed = clock.seconds();
    CHECK(f.world()["master"]["leader"] == leader);
    quiet_and_same(since, "after the dropped stream");
    figure("stream drop", "loss seen after", detected);
    figure("stream drop", "subscribed again after", resubscribed);
    figure("stream drop", "converged again after", clock.seconds());
  }
  {
    INFO("phase: heartbeats stop (the watchdog resubscribes)");
    const uint64_t since = last_sequence(f);
    const size_t watchdog = occurrences(log, "no heartbeat from");
    const std::string old_stream = stream_of();
    Stopwatch clock;
    auto paused = f.control("/mesos/pause-heartbeats", R"({"seconds": 8})");
    REQUIRE(paused);
    REQUIRE(paused->status == 200);
    // The log names the cause: "... reason=no heartbeat from 127.0.0.1:P for 5000 ms".
    CHECK(eventually([&] { return occurrences(log, "no heartbeat from") > watchdog; }, 30s));
    const double detected = clock.seconds();
    CHECK(detected >= 4.0);  // not before 5 intervals of 1 s (less the tick's granularity)
    CHECK(eventually(subscribed_again(old_stream), 60s));
    const double resubscribed = clock.seconds();
    // Heartbeats flow again and the new stream stays up.
    CHECK(eventually([&] { return f.world()["master"]["heartbeats_paused"] == false; }, 20s));
    const std::string new_stream = stream_of();
    CHECK(eventually(
        [&] {
          return metric_or(f, "scaleio_operator_mesos_subscribed") == 1.0 &&
                 stream_of() == new_stream && clock.seconds() > 16.0;
        },
        30s));
    quiet_and_same(since, "after the heartbeat pause");
    figure("heartbeat loss", "watchdog fired after", detected);
    figure("heartbeat loss", "subscribed again after", resubscribed);
  }

  auto host_task = [&] {
    const auto tasks = live_tasks_on(f.world(), kDataHost);
    return tasks.size() == 1 ? tasks.begin()->first : std::string();
  };
  const std::string task = host_task();
  REQUIRE_FALSE(task.empty());
  auto operator_task_state = [&](const std::string& id) {
    const json state = f.get_json("/v1/state");
    for (const auto& t : state["tasks"]) {
      if (t.value("taskId", std::string()) == id) return t.value("state", std::string());
    }
    return std::string();
  };
  auto in_plan = [&] {
    const json plan = f.get_json("/v1/plan");
    for (const auto& node : plan["plan"]["nodes"]) {
      if (node.dump().find(kDataHost) != std::string::npos) return true;
    }
    return false;
  };

  {
    INFO("phase: agent partition and return");
    const uint64_t since = last_sequence(f);
    Stopwatch clock;
    auto cut = f.control(std::string("/agents/") + kDataHost + "/partition");
    REQUIRE(cut);
    REQUIRE(cut->status == 200);
    CHECK(eventually([&] { return operator_task_state(task) == "TASK_UNREACHABLE"; }, 30s));
    const double detected = clock.seconds();
    // It says why: the host's SDS/SDC are disconnected in the drift.
    const json drift = f.wait_for(
        "/v1/drift",
        [](const json& d) { return !drift_mentioning(d, kDataHost).empty() && !converged(d); },
        30s);
    INFO(drift.dump(1));
    CHECK_FALSE(drift_mentioning(drift, kDataHost).empty());
    std::cerr << "fault matrix: partition: drift while cut off:\n"
              << drift_mentioning(drift, kDataHost);
    // A briefly unlisted agent keeps its place in the plan (its task is only unreachable).
    CHECK(in_plan());
    CHECK(events_after(f, since, "AgentRemoved").empty());
    {
      const auto actions = events_after(f, since, "ActionStarted");
      INFO("actions while partitioned:\n" << actions_text(actions));
      for (const auto& a : actions) {
        const std::string action = a["payload"].value("action", std::string());
        CHECK(action.find("remove") == std::string::npos);
        CHECK(action != "kill_task");
        CHECK(action != "launch_task");  // the unreachable task may come back: no second one
      }
    }
    Stopwatch heal;
    auto back = f.control(std::string("/agents/") + kDataHost + "/start");
    REQUIRE(back);
    REQUIRE(back->status == 200);
    CHECK(eventually([&] { return operator_task_state(task) == "TASK_RUNNING"; }, 30s));
    const json healed = f.wait_for("/v1/drift", converged, kConverge);
    INFO(healed.dump(1));
    CHECK(converged(healed));
    CHECK(in_plan());
    const Inventory after = inventory(f.world());
    INFO("before:\n" << describe(before) << "after:\n" << describe(after));
    CHECK(after == before);  // the same task, nothing relaunched or recreated
    figure("agent partition", "task UNREACHABLE seen after", detected);
    figure("agent partition", "converged after the heal in", heal.seconds());
  }
  {
    INFO("phase: a task that keeps failing");
    const uint64_t since = last_sequence(f);
    Stopwatch clock;
    std::string current = host_task();
    std::set<std::string> failed;
    for (int round = 0; round < 3; ++round) {
      INFO("failure " << round + 1 << " of " << current);
      // Fail the task once Mesos runs it (fail is refused for ended tasks).
      REQUIRE(eventually(
          [&] {
            const auto tasks = live_tasks_on(f.world(), kDataHost);
            if (tasks.size() != 1 || tasks.begin()->second != "TASK_RUNNING") return false;
            current = tasks.begin()->first;
            return failed.count(current) == 0;
          },
          60s));
      auto fail = f.control("/tasks/" + current + "/fail", R"({"message":"fault matrix"})");
      REQUIRE(fail);
      REQUIRE(fail->status == 200);
      failed.insert(current);
    }
    // The third failure: the drift says the host backs off and when it tries again, the metric
    // counts it.
    const json backing_off = f.wait_for(
        "/v1/drift",
        [](const json& d) {
          return drift_mentioning(d, "backing off after failure").find(kDataHost) !=
                 std::string::npos;
        },
        30s);
    const std::string why = drift_mentioning(backing_off, "backing off after failure");
    INFO(backing_off.dump(1));
    CHECK_THAT(why, Catch::Contains("next attempt in"));
    CHECK_THAT(why, Catch::Contains("TASK_FAILED"));
    std::cerr << "fault matrix: failing task: " << why;
    CHECK(metric_or(f, "scaleio_operator_reconciler_backoff_targets", "reconciler=\"nodes\"") >=
          1.0);
    const double detected = clock.seconds();
    const json drift = f.wait_for("/v1/drift", converged, kConverge);
    INFO(drift.dump(1));
    CHECK(converged(drift));
    CHECK(metric_or(f, "scaleio_operator_reconciler_backoff_targets", "reconciler=\"nodes\"") ==
          0.0);
    // One launch per failure, one live task, and every failure is in the log.
    const auto actions = events_after(f, since, "ActionStarted");
    INFO("actions:\n" << actions_text(actions));
    size_t launches = 0;
    for (const auto& a : actions) {
      if (a["payload"]["action"] == "launch_task") ++launches;
      CHECK(a["payload"].value("action", std::string()).find("remove") == std::string::npos);
    }
    CHECK(launches == 3);
    CHECK(live_tasks_on(f.world(), kDataHost).size() == 1);
    size_t failures_logged = 0;
    for (const auto& e : events_after(f, since, "TaskStatusObserved")) {
      if (e["payload"]["state"] == "TASK_FAILED" &&
          failed.count(e["payload"].value("taskId", std::string()))) {
        ++failures_logged;
      }
    }
    CHECK(failures_logged == 3);
    Inventory after = inventory(f.world());
    Inventory expected = before;
    after.erase("tasks");
    expected.erase("tasks");
    CHECK(after == expected);  // storage untouched by the relaunches
    figure("failing task", "backoff shown after the third failure in", detected);
    figure("failing task", "converged after three failures in", clock.seconds());
  }
  {
    INFO("phase: agent attribute change (new agent id, the node task replaced)");
    const uint64_t since = last_sequence(f);
    const json world = f.world();
    const std::string old_agent = agent_id_of(world, kDataHost);
    const std::string old_task = host_task();
    std::string attributes = attributes_of(world, kDataHost);
    REQUIRE(attributes.find("/dev/sdc") != std::string::npos);
    // One more device for the data node's pool: the new plan differs.
    attributes.replace(attributes.find("/dev/sdc"), 8, "/dev/sdc,/dev/sdd");
    Stopwatch clock;
    auto changed = f.control(std::string("/agents/") + kDataHost + "/attributes",
                             json{{"attributes", attributes}}.dump());
    REQUIRE(changed);
    REQUIRE(changed->status == 200);
    const std::string new_agent = agent_id_of(f.world(), kDataHost);
    CHECK(new_agent != old_agent);
    std::set<std::string> said;  // what the drift says about the host meanwhile
    CHECK(eventually(
        [&] {
          std::istringstream lines(drift_mentioning(f.get_json("/v1/drift"), kDataHost));
          for (std::string line; std::getline(lines, line);) said.insert(line);
          const auto tasks = live_tasks_on(f.world(), kDataHost);
          return tasks.size() == 1 && tasks.begin()->first != old_task &&
                 tasks.begin()->second == "TASK_RUNNING";
        },
        60s));
    const double replaced = clock.seconds();
    for (const auto& line : said)
      std::cerr << "fault matrix: attribute change: drift: " << line << "\n";
    const json drift = f.wait_for("/v1/drift", converged, kConverge);
    INFO(drift.dump(1));
    CHECK(converged(drift));
    const json after_world = f.world();
    const json state = f.get_json("/v1/state");
    const std::string new_task = host_task();
    bool seen = false;
    for (const auto& t : state["tasks"]) {
      if (t.value("taskId", std::string()) != new_task) continue;
      seen = true;
      CHECK(t["agentId"] == new_agent);
    }
    CHECK(seen);
    const Inventory after = inventory(after_world);
    INFO("after:\n" << describe(after));
    CHECK(no_duplicates(after));
    // The new device joined; every other ScaleIO object is the one from before.
    bool sdd = false;
    for (const auto& d : after.at("deviceList")) sdd = sdd || d.ends_with(":/dev/sdd");
    CHECK(sdd);
    for (const char* list :
         {"protectionDomainList", "storagePoolList", "sdsList", "sdcList", "volumeList"}) {
      INFO(list);
      CHECK(after.at(list) == before.at(list));
    }
    CHECK(after.at("deviceList").size() == before.at("deviceList").size() + 1);
    const auto actions = events_after(f, since, "ActionStarted");
    INFO("actions:\n" << actions_text(actions));
    for (const auto& a : actions) {
      CHECK(a["payload"].value("action", std::string()).find("remove") == std::string::npos);
    }
    figure("attribute change", "node task replaced after", replaced);
    figure("attribute change", "converged (new device added) after", clock.seconds());
  }
  CHECK(f.get_json("/v1/state").value("frameworkId", std::string()) == framework);
  const auto events = f.all_events();
  CHECK(sequences_contiguous(events));
  std::set<std::string> registered;
  for (const auto& e : events) {
    if (e["type"] == "FrameworkRegistered") {
      registered.insert(e["payload"].value("frameworkId", std::string()));
    }
  }
  CHECK(registered == std::set<std::string>{framework});
}

TEST_CASE(
    "gateway and MDM faults: a 500 storm, timeouts, expired tokens, a restart and a lost "
    "primary MDM are reported, create nothing twice and heal") {
  OperatorFixture f(kSimArgs);
  const std::string log = operator_log(f, "gateway-mdm");
  start_converged(f, log);
  const Inventory before = inventory(f.world());
  auto requests = [&](const std::string& code) {
    return metric_or(f, "scaleio_operator_gateway_requests_total",
                     "code=\"" + code + "\",method=\"GET\"", 0) +
           metric_or(f, "scaleio_operator_gateway_requests_total",
                     "method=\"GET\",code=\"" + code + "\"", 0);
  };
  auto gateway_failing = [&] {
    const json ready = f.get_json("/readyz");
    return ready.contains("failing") && ready["failing"].contains("gateway")
               ? ready["failing"]["gateway"].get<std::string>()
               : std::string();
  };
  auto nothing_done_and_same = [&](uint64_t since) {
    const auto actions = events_after(f, since, "ActionStarted");
    INFO("actions:\n" << actions_text(actions));
    CHECK(actions.empty());
    const Inventory after = inventory(f.world());
    INFO("before:\n" << describe(before) << "after:\n" << describe(after));
    CHECK(after == before);
  };
  auto outage = [&](const char* fault, const json& body, const std::string& code) {
    INFO("phase: gateway " << fault);
    const uint64_t since = last_sequence(f);
    const double failed_before = requests(code);
    Stopwatch clock;
    auto injected = f.control("/gateway/faults", body.dump());
    REQUIRE(injected);
    REQUIRE(injected->status == 200);
    // /readyz, the reachability metric and the log's GatewayUnreachable event name the cause.
    std::string why;
    CHECK(eventually([&] { return !(why = gateway_failing()).empty(); }, 30s));
    const double detected = clock.seconds();
    std::cerr << "fault matrix: gateway " << fault << ": /readyz says: " << why << "\n";
    CHECK(metric_or(f, "scaleio_operator_gateway_reachable") == 0.0);
    CHECK(requests(code) > failed_before);
    const auto unreachable = events_after(f, since, "GatewayUnreachable");
    REQUIRE(unreachable.size() == 1);  // one event per outage, not per poll
    std::cerr << "fault matrix: gateway " << fault << ": event: " << unreachable[0]["payload"]
              << "\n";
    CHECK(f.wait_ready(60s));
    const json drift = f.wait_for("/v1/drift", converged, kConverge);
    INFO(drift.dump(1));
    CHECK(converged(drift));
    CHECK(events_after(f, since, "GatewayReachable").size() == 1);
    nothing_done_and_same(since);
    figure(std::string("gateway ") + fault, "reported after", detected);
    figure(std::string("gateway ") + fault, "ready and converged again after", clock.seconds());
  };
  auto token_loss = [&](const char* fault, const json& body) {
    INFO("phase: gateway " << fault);
    const uint64_t since = last_sequence(f);
    const double refused_before = requests("401");
    const double ok_before = requests("200");
    Stopwatch clock;
    auto injected = f.control("/gateway/faults", body.dump());
    REQUIRE(injected);
    REQUIRE(injected->status == 200);
    // The next request is refused (401); the client logs in again and the re-sent request and
    // the ones after it succeed, so the gateway never counts as unreachable.
    CHECK(eventually([&] { return requests("401") > refused_before; }, 30s));
    const double refused = clock.seconds();
    CHECK(eventually([&] { return requests("200") > ok_before + 2; }, 30s));
    CHECK(metric_or(f, "scaleio_operator_gateway_reachable") == 1.0);
    CHECK(events_after(f, since, "GatewayUnreachable").empty());
    CHECK(gateway_failing().empty());
    const json drift = f.wait_for("/v1/drift", converged, kConverge);
    CHECK(converged(drift));
    nothing_done_and_same(since);
    figure(std::string("gateway ") + fault, "401 then logged in again after", refused);
  };

  outage("500 storm", {{"errors_for_seconds", 4}}, "500");
  {
    INFO("phase: gateway timeouts");
    const uint64_t since = last_sequence(f);
    const double unanswered_before = requests("0");
    Stopwatch clock;
    // Longer than the client's 10 s request timeout: a shorter hang ends in a closed keep-alive
    // connection, which the client re-sends on transparently (the observation is only late).
    auto injected = f.control("/gateway/faults", json{{"timeout_for_seconds", 12}}.dump());
    REQUIRE(injected);
    REQUIRE(injected->status == 200);
    // The metric counts the request that got no answer (code 0) once the client's timeout ends.
    CHECK(eventually([&] { return requests("0") > unanswered_before; }, 30s));
    const double detected = clock.seconds();
    const std::string why = gateway_failing();
    std::cerr << "fault matrix: gateway timeouts: /readyz at detection: "
              << (why.empty() ? std::string("ready") : why) << "\n";
    CHECK(f.wait_ready(60s));
    const json drift = f.wait_for("/v1/drift", converged, kConverge);
    INFO(drift.dump(1));
    CHECK(converged(drift));
    nothing_done_and_same(since);
    figure("gateway timeouts", "unanswered request counted after", detected);
    figure("gateway timeouts", "ready and converged again after", clock.seconds());
  }
  token_loss("token expiry", {{"expire_tokens", true}});
  token_loss("restart", {{"restart", true}});

  {
    INFO("phase: primary MDM lost, then restored");
    const uint64_t since = last_sequence(f);
    Stopwatch clock;
    auto lost = f.control("/scaleio/node-01/fail/mdm");
    REQUIRE(lost);
    REQUIRE(lost->status == 200);
    CHECK(eventually([&] { return metric_or(f, "scaleio_operator_mdm_quorum_healthy") == 0.0; },
                     30s));
    const double detected = clock.seconds();
    // It reports the degraded cluster and waits; it gets several passes to act unsafely.
    auto passes = [&] {
      const json reconcilers = f.get_json("/v1/reconcilers");
      for (const auto& r : reconcilers["reconcilers"]) {
        if (r["name"] == "mdm_quorum") return r.value("passes", int64_t{0});
      }
      return int64_t{0};
    };
    const int64_t passes_at_loss = passes();
    const json drift = f.wait_for(
        "/v1/drift",
        [&](const json& d) {
          return !converged(d) && d["reconcilers"].contains("mdm_quorum") &&
                 !d["reconcilers"]["mdm_quorum"].empty() && passes() >= passes_at_loss + 3;
        },
        60s);
    INFO(drift.dump(1));
    REQUIRE(drift["reconcilers"].contains("mdm_quorum"));
    CHECK_FALSE(drift["reconcilers"]["mdm_quorum"].empty());
    std::cerr << "fault matrix: primary MDM lost: mdm_quorum drift: "
              << drift["reconcilers"]["mdm_quorum"].dump() << "\n";
    const std::string said = drift["reconcilers"]["mdm_quorum"].dump();
    CHECK(
        (said.find("node-01") != std::string::npos || said.find("Degraded") != std::string::npos));
    {
      const auto actions = events_after(f, since, "ActionStarted");
      INFO("actions while the MDM is down:\n" << actions_text(actions));
      CHECK(actions.empty());  // no switch, no removal, no replacement before the loss timeout
    }
    const json world = f.world();
    CHECK(world["scaleio"]["System"]["mdmCluster"]["clusterState"] == "ClusteredDegraded");

    Stopwatch heal;
    auto restored = f.control("/scaleio/node-01/restore/mdm");
    REQUIRE(restored);
    REQUIRE(restored->status == 200);
    CHECK(eventually([&] { return metric_or(f, "scaleio_operator_mdm_quorum_healthy") == 1.0; },
                     30s));
    const json healed = f.wait_for("/v1/drift", converged, kConverge);
    INFO(healed.dump(1));
    CHECK(converged(healed));
    CHECK(f.world()["scaleio"]["System"]["mdmCluster"]["clusterState"] == "ClusteredNormal");
    nothing_done_and_same(since);
    figure("primary MDM loss", "quorum degraded seen after", detected);
    figure("primary MDM loss", "converged after the restore in", heal.seconds());
  }
  CHECK(sequences_contiguous(f.all_events()));
}
