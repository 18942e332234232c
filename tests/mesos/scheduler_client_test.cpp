// The scheduler client against the in-process simulated master over loopback, with a real
// RocksDB event log in a temporary directory.
#include <catch2/catch.hpp>

#include "core/agents_projection.h"
#include "sim/attributes.h"
#include "tests/mesos/sim_fixture.h"

using namespace scaleio;
using namespace scaleio::mesos;
using namespace scaleio::mesos::test;
using namespace std::chrono_literals;

namespace {

int frameworks_in(const nlohmann::json& world) {
  return static_cast<int>(world["frameworks"].size());
}

// Launches one install task on the first offer that arrives after reconciliation.
void launch_once_on_offers(RecordingListener& listener, SchedulerClient*& client,
                           std::atomic<bool>& launched, const std::string& task_id) {
  listener.on_offers = [&client, &launched, task_id](const std::vector<Offer>& offers) {
    if (launched.load() || !client || !client->reconciled() || offers.empty()) return;
    Status s = client->launch({offers[0].id}, {install_task(offers[0], task_id)}, 5);
    if (s.ok()) launched = true;
  };
}

}  // namespace

TEST_CASE(
    "first subscribe records FrameworkRegistered, then unused offers are declined, then agents "
    "observed with IPs",
    "[client][integration]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({sim.leader()}));
  REQUIRE(client.start().ok());

  REQUIRE(eventually([&] { return client.subscribed() && client.reconciled(); }));
  auto registered = events_of_type(*log, "FrameworkRegistered");
  REQUIRE(registered.size() == 1);
  CHECK(registered[0].framework_registered().framework_id() == client.framework_id().value());
  CHECK(registered[0].framework_registered().master() == sim.leader());
  CHECK(listener.subscriptions() == std::vector<std::string>{*client.framework_id()});
  CHECK(listener.reconciled_count() == 1);  // nothing known: reconciled at once

  // Offers arrive and, unused, are declined with the filter.
  REQUIRE(eventually([&] { return client.counters().offers_declined >= 3; }));
  REQUIRE(eventually([&] { return sim.world()["offers"].empty(); }));

  // Agents: one AgentObserved per host carrying the IP from GET_AGENTS; nothing more when
  // nothing changes.
  AgentsProjection agents;
  REQUIRE(eventually([&] {
    agents.reset();
    (void)load_projection(*log, agents);
    if (agents.agents().size() != 3) return false;
    for (const auto& [host, agent] : agents.agents()) {
      if (agent.ip().empty()) return false;
    }
    return true;
  }));
  const size_t observed = events_of_type(*log, "AgentObserved").size();
  const auto polls_before = client.counters().subscriptions;
  sim.advance(2s);                     // more offers, more polls: no change, no event
  std::this_thread::sleep_for(300ms);  // let a few 100 ms polls run; asserting nothing happened
  CHECK(events_of_type(*log, "AgentObserved").size() == observed);
  CHECK(client.counters().subscriptions == polls_before);
  const nlohmann::json world = sim.world();
  for (const auto& agent : world["agents"]) {
    auto it = agents.agents().find(agent["hostname"].get<std::string>());
    REQUIRE(it != agents.agents().end());
    CHECK(it->second.ip() == agent["ip"].get<std::string>());
    CHECK(it->second.agent_id() == agent["agent_id"].get<std::string>());
  }
  client.stop();
}

TEST_CASE("restart reuses the stored framework id with both ids set", "[client][integration]") {
  SimMaster sim;
  testing::TempDir dir;
  std::string first_id;
  {
    auto log = open_log(dir);
    RecordingListener listener;
    SchedulerClient client(*log, listener, fast_options({sim.leader()}));
    REQUIRE(client.start().ok());
    REQUIRE(eventually([&] { return client.subscribed(); }));
    first_id = client.framework_id().value();
    client.stop();
  }
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({sim.leader()}));
  // Known before any network traffic: read back from the log.
  REQUIRE(client.start().ok());
  CHECK(client.framework_id() == first_id);
  REQUIRE(eventually([&] { return client.subscribed(); }));
  CHECK(client.framework_id() == first_id);
  CHECK(listener.subscriptions() == std::vector<std::string>{first_id});
  CHECK(events_of_type(*log, "FrameworkRegistered").size() == 1);
  auto world = sim.world();
  REQUIRE(frameworks_in(world) == 1);
  CHECK(world["frameworks"][0]["id"] == first_id);
  CHECK(world["frameworks"][0]["connected"] == true);
  CHECK(world["frameworks"][0]["failover_timeout"] == 604800.0);
  client.stop();
}

TEST_CASE("master failover: stream breaks, old leader redirects, 503 while recovering, same id",
          "[client][integration][failover]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({sim.leader()}));
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return client.subscribed(); }));
  const std::string id = client.framework_id().value();

  sim.on_io([&] {
    sim.master().failover();
    return 0;
  });
  REQUIRE(eventually([&] { return !listener.disconnects().empty(); }));
  // The standby answers 503 until it has recovered (2 s of simulated time): keep retrying.
  REQUIRE(eventually([&] { return client.counters().redirects >= 1; }));
  CHECK_FALSE(client.subscribed());
  sim.advance(3s);
  REQUIRE(eventually([&] { return client.subscribed(); }));
  CHECK(client.leader() == sim.standby());
  CHECK(client.framework_id() == id);
  CHECK(listener.subscriptions() == std::vector<std::string>{id, id});
  CHECK(events_of_type(*log, "FrameworkRegistered").size() == 1);
  auto world = sim.world();
  REQUIRE(frameworks_in(world) == 1);
  CHECK(world["frameworks"][0]["connected"] == true);
  client.stop();
}

TEST_CASE("several masters are tried in turn", "[client][integration]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  // Port 1 on loopback refuses connections: the client moves on to the next master.
  SchedulerClient client(*log, listener, fast_options({"127.0.0.1:1", sim.leader()}));
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return client.subscribed(); }));
  CHECK(client.leader() == sim.leader());
  CHECK(client.counters().subscribe_attempts >= 2);
  client.stop();
}

TEST_CASE("heartbeat loss: the watchdog drops the silent stream and resubscribes",
          "[client][integration][heartbeat]") {
  // 0.1 s heartbeats; simulated time stands still, so after SUBSCRIBED + the first HEARTBEAT the
  // master goes silent and the 5 x 0.1 s watchdog must fire.
  SimMaster sim([](sim::SimulatorOptions& o) { o.master.heartbeat_interval_seconds = 0.1; });
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({sim.leader()}));
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return client.subscribed(); }));
  const std::string id = client.framework_id().value();
  REQUIRE(eventually([&] { return client.counters().watchdog_expiries >= 1; }, 5s));
  REQUIRE(eventually([&] { return listener.subscriptions().size() >= 2; }, 5s));
  CHECK(listener.subscriptions()[1] == id);
  CHECK_THAT(listener.disconnects().at(0), Catch::Contains("no heartbeat"));

  // With heartbeats flowing (time moving) the stream stays up.
  const auto expiries = client.counters().watchdog_expiries;
  REQUIRE(eventually([&] { return client.subscribed(); }, 5s));
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < 1500ms) {
    sim.advance(100ms);
    std::this_thread::sleep_for(20ms);  // paces simulated time against wall time
  }
  CHECK(client.counters().watchdog_expiries == expiries);
  CHECK(client.counters().heartbeats > 5);
  client.stop();
}

TEST_CASE("task updates are recorded before acknowledgement and nothing is acked twice",
          "[client][integration][updates]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient* client_ptr = nullptr;
  std::atomic<bool> launched{false};
  launch_once_on_offers(listener, client_ptr, launched, "node.install");
  SchedulerClient client(*log, listener, fast_options({sim.leader()}));
  client_ptr = &client;
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return launched.load(); }, 10s, [&] { sim.advance(1s); }));
  CHECK(events_of_type(*log, "TaskLaunchRequested").size() == 1);
  // STAGING → STARTING → RUNNING after the simulated install delay.
  REQUIRE(eventually(
      [&] {
        auto t = world_task(sim, "node.install");
        return !t.is_null() && t["state"] == "TASK_RUNNING" && t["unacknowledged_updates"] == 0;
      },
      10s, [&] { sim.advance(2s); }));
  auto observed = events_of_type(*log, "TaskStatusObserved");
  std::vector<std::string> states;
  for (const auto& e : observed) {
    states.push_back(e.task_status_observed().state());
    CHECK(e.task_status_observed().uuid().size() == 16);
    CHECK(e.stream_id() == "task/node.install");
  }
  CHECK(states == std::vector<std::string>{"TASK_STARTING", "TASK_RUNNING"});
  CHECK(client.counters().acknowledgements_sent == 2);
  client.stop();
}

TEST_CASE(
    "suppress and revive by request, then kill is recorded as TASK_KILLED, then implicit "
    "reconciliation runs periodically",
    "[client][integration][calls]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient* client_ptr = nullptr;
  std::atomic<bool> launched{false};
  launch_once_on_offers(listener, client_ptr, launched, "t-kill");
  SchedulerOptions options = fast_options({sim.leader()});
  options.implicit_reconcile_interval = 300ms;
  SchedulerClient client(*log, listener, options);
  client_ptr = &client;
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return launched.load(); }, 10s, [&] { sim.advance(1s); }));
  REQUIRE(eventually([&] { return !world_task(sim, "t-kill").is_null(); }));

  auto suppressed = [&] { return sim.world()["frameworks"][0]["suppressed"].get<bool>(); };
  REQUIRE(client.suppress().ok());
  REQUIRE(eventually(suppressed));
  REQUIRE(client.revive().ok());
  REQUIRE(eventually([&] { return !suppressed(); }));

  // Implicit reconciliation: the master answers for every task it knows, without uuid.
  const auto calls = client.counters().reconcile_calls;
  REQUIRE(eventually([&] { return client.counters().reconcile_calls >= calls + 2; }));
  REQUIRE(eventually([&] {
    for (const auto& s : listener.statuses()) {
      if (s.task_id == "t-kill" && s.reason == "REASON_RECONCILIATION") return true;
    }
    return false;
  }));

  std::string agent_id = world_task(sim, "t-kill")["agent_id"].get<std::string>();
  REQUIRE(client.kill("t-kill", agent_id).ok());
  REQUIRE(eventually(
      [&] {
        for (const auto& e : events_of_type(*log, "TaskStatusObserved")) {
          if (e.task_status_observed().state() == "TASK_KILLED") return true;
        }
        return false;
      },
      10s, [&] { sim.advance(1s); }));
  client.stop();
}

TEST_CASE("driver calls before subscription are refused as unavailable", "[client]") {
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({"127.0.0.1:1"}));
  CHECK(client.revive().code() == StatusCode::kUnavailable);
  CHECK(client.decline({"o"}, 5).code() == StatusCode::kUnavailable);
  CHECK(client.launch({"o"}, {}, 5).code() == StatusCode::kFailedPrecondition);
  TaskStatus no_uuid;
  CHECK(client.acknowledge(no_uuid).ok());  // nothing to acknowledge is not an error
  CHECK(client.start().ok());
  CHECK(client.start().code() == StatusCode::kFailedPrecondition);
  client.stop();
}
