// The scheduler client when things go wrong: removed frameworks, a log that refuses an append,
// restarts with tasks in flight, agents coming back with new attributes, bad secrets.
#include <catch2/catch.hpp>
#include <fstream>

#include "core/agents_projection.h"
#include "sim/attributes.h"
#include "tests/mesos/sim_fixture.h"

using namespace scaleio;
using namespace scaleio::mesos;
using namespace scaleio::mesos::test;
using namespace std::chrono_literals;

namespace {

// Forwards to a real log but refuses the next `fail_status_appends` TaskStatusObserved appends,
// the way a full disk would.
class FlakyStore final : public EventStore {
 public:
  explicit FlakyStore(EventStore& inner) : inner_(inner) {}
  std::atomic<int> fail_status_appends{0};
  std::atomic<int> refused{0};

  Result<AppendResult> append(std::string_view stream, ExpectedVersion expected,
                              std::vector<Envelope> events) override {
    if (!events.empty() && events[0].has_task_status_observed() && fail_status_appends > 0) {
      --fail_status_appends;
      ++refused;
      return unavailable("injected: disk full");
    }
    return inner_.append(stream, expected, std::move(events));
  }
  uint64_t last_sequence() const override { return inner_.last_sequence(); }
  Result<uint64_t> stream_version(std::string_view s) const override {
    return inner_.stream_version(s);
  }
  Result<std::vector<Envelope>> read(uint64_t from, size_t max) const override {
    return inner_.read(from, max);
  }
  Result<std::vector<Envelope>> read_stream(std::string_view s, uint64_t from,
                                            size_t max) const override {
    return inner_.read_stream(s, from, max);
  }
  Result<std::vector<Envelope>> read_type(std::string_view t, uint64_t from,
                                          size_t max) const override {
    return inner_.read_type(t, from, max);
  }
  Status scan(uint64_t from, uint64_t to, const EventVisitor& visit) const override {
    return inner_.scan(from, to, visit);
  }
  std::unique_ptr<EventSubscription> subscribe(uint64_t from) override {
    return inner_.subscribe(from);
  }
  Status save_snapshot(std::string_view p, const Snapshot& s) override {
    return inner_.save_snapshot(p, s);
  }
  Result<std::optional<Snapshot>> latest_snapshot(std::string_view p) const override {
    return inner_.latest_snapshot(p);
  }

 private:
  EventStore& inner_;
};

// Starts a client that launches `task_id` on the first offer after reconciliation and waits until
// the task is RUNNING and acknowledged. Returns the framework id.
std::string run_one_task(SimMaster& sim, EventStore& log, const std::string& task_id,
                         double failover_timeout = 604800) {
  RecordingListener listener;
  std::atomic<bool> launched{false};
  SchedulerClient* client_ptr = nullptr;
  listener.on_offers = [&](const std::vector<Offer>& offers) {
    if (launched.load() || !client_ptr || !client_ptr->reconciled() || offers.empty()) return;
    if (client_ptr->launch({offers[0].id}, {install_task(offers[0], task_id)}, 5).ok()) {
      launched = true;
    }
  };
  SchedulerOptions options = fast_options({sim.leader()});
  options.framework.failover_timeout_seconds = failover_timeout;
  SchedulerClient client(log, listener, options);
  client_ptr = &client;
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return launched.load(); }, 10s, [&] { sim.advance(1s); }));
  REQUIRE(eventually(
      [&] {
        auto t = world_task(sim, task_id);
        return !t.is_null() && t["state"] == "TASK_RUNNING" && t["unacknowledged_updates"] == 0;
      },
      10s, [&] { sim.advance(2s); }));
  std::string id = client.framework_id().value();
  client.stop();
  return id;
}

}  // namespace

TEST_CASE("\"Framework has been removed\" is permanent: reported, no new framework registered",
          "[client][integration][removed]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  const std::string old_id = run_one_task(sim, *log, "t1", /*failover_timeout=*/1);
  sim.advance(2s);  // failover_timeout passes while disconnected: the master removes it
  REQUIRE(sim.world()["completed_frameworks"].size() == 1);

  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({sim.leader()}));
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return !client.permanent_error().ok(); }));
  CHECK(client.permanent_error().code() == StatusCode::kFailedPrecondition);
  CHECK_THAT(client.permanent_error().message(), Catch::Contains("has been removed"));
  CHECK_THAT(client.permanent_error().message(), Catch::Contains(old_id));
  CHECK_THAT(client.permanent_error().message(),
             Catch::Contains("register_new_framework_if_removed"));
  REQUIRE_FALSE(listener.errors().empty());
  CHECK_THAT(listener.errors().back(), Catch::Contains("has been removed"));
  // It stays down: no retry loop, no second framework.
  const auto attempts = client.counters().subscribe_attempts;
  sim.advance(1s);
  CHECK_FALSE(eventually([&] { return client.counters().subscribe_attempts > attempts; }, 500ms));
  CHECK(sim.world()["frameworks"].empty());
  CHECK(events_of_type(*log, "FrameworkRegistered").size() == 1);
  client.stop();
}

TEST_CASE("with register_new_framework_if_removed a removed framework is replaced and recorded",
          "[client][integration][removed]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  const std::string old_id = run_one_task(sim, *log, "t1", /*failover_timeout=*/1);
  sim.advance(2s);

  RecordingListener listener;
  SchedulerOptions options = fast_options({sim.leader()});
  options.register_new_framework_if_removed = true;
  SchedulerClient client(*log, listener, options);
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return client.subscribed(); }));
  CHECK(client.permanent_error().ok());
  CHECK(client.framework_id() != old_id);
  auto registered = events_of_type(*log, "FrameworkRegistered");
  REQUIRE(registered.size() == 2);
  CHECK(registered[1].framework_registered().framework_id() == client.framework_id().value());
  CHECK_THAT(listener.errors().at(0), Catch::Contains("has been removed"));
  client.stop();
}

TEST_CASE(
    "an update whose append fails is not acknowledged, then the resent one is logged, then acked",
    "[client][integration][updates]") {
  SimMaster sim;
  testing::TempDir dir;
  auto real_log = open_log(dir);
  FlakyStore log(*real_log);
  log.fail_status_appends = 1;  // the first update (TASK_STARTING) cannot be recorded

  RecordingListener listener;
  std::atomic<bool> launched{false};
  SchedulerClient* client_ptr = nullptr;
  listener.on_offers = [&](const std::vector<Offer>& offers) {
    if (launched.load() || !client_ptr || !client_ptr->reconciled() || offers.empty()) return;
    if (client_ptr->launch({offers[0].id}, {install_task(offers[0], "t1")}, 5).ok())
      launched = true;
  };
  SchedulerClient client(log, listener, fast_options({sim.leader()}));
  client_ptr = &client;
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return launched.load(); }, 10s, [&] { sim.advance(1s); }));
  // The ACCEPT travels on its own connection: wait for the master to have the task.
  REQUIRE(eventually([&] { return !world_task(sim, "t1").is_null(); }));
  // STAGING → STARTING after 0.5 s of simulated time: the update arrives, the append fails.
  sim.advance(1s);
  REQUIRE(eventually([&] { return log.refused.load() == 1; }));
  CHECK(client.counters().acknowledgements_sent == 0);
  CHECK(listener.statuses().empty());  // the listener sees only recorded updates
  auto task = world_task(sim, "t1");
  CHECK(task["unacknowledged_updates"] == 1);
  CHECK(events_of_type(log, "TaskStatusObserved").empty());

  // The agent resends after its retry interval (10 s): now recorded, then acknowledged.
  sim.advance(11s);
  REQUIRE(eventually([&] { return client.counters().acknowledgements_sent >= 1; }));
  auto observed = events_of_type(log, "TaskStatusObserved");
  REQUIRE(observed.size() == 1);
  CHECK(observed[0].task_status_observed().state() == "TASK_STARTING");
  REQUIRE(eventually([&] {
    auto t = world_task(sim, "t1");
    return t["unacknowledged_updates"] == 0 || t["agent_state"] == "TASK_RUNNING";
  }));
  client.stop();
}

TEST_CASE("restart: known tasks are reconciled explicitly, with retries, before launching",
          "[client][integration][reconcile]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  const std::string id = run_one_task(sim, *log, "t1");
  const size_t statuses_before = events_of_type(*log, "TaskStatusObserved").size();

  // A master failover while the scheduler is down: after recovery the master does not answer
  // reconciliation for tasks on agents that have not re-registered yet.
  sim.on_io([&] {
    sim.master().failover();
    return 0;
  });
  sim.advance(3s);  // recovered, agents still re-registering (4 s more)

  RecordingListener listener;
  SchedulerOptions options = fast_options({sim.leader()});
  SchedulerClient client(*log, listener, options);
  REQUIRE(client.start().ok());
  CHECK_FALSE(client.reconciled());
  REQUIRE(eventually([&] { return client.subscribed(); }));
  CHECK(client.framework_id() == id);
  // No answer yet: still not reconciled after several explicit attempts; launching refused.
  REQUIRE(eventually([&] { return client.counters().reconcile_calls >= 3; }));
  CHECK_FALSE(client.reconciled());
  Status refused = client.launch({"any-offer"}, {}, 5);
  CHECK(refused.code() == StatusCode::kFailedPrecondition);

  sim.advance(5s);  // agents re-register; the next retry gets TASK_RUNNING back
  REQUIRE(eventually([&] { return client.reconciled(); }));
  CHECK(listener.reconciled_count() == 1);
  bool answered = false;
  for (const auto& s : listener.statuses()) {
    if (s.task_id == "t1" && s.state == TaskState::kRunning &&
        s.reason == "REASON_RECONCILIATION") {
      answered = true;
      CHECK(s.uuid.empty());
    }
  }
  CHECK(answered);
  // The answer said nothing new: nothing appended (the log grows with what happens).
  CHECK(events_of_type(*log, "TaskStatusObserved").size() == statuses_before);
  client.stop();
}

TEST_CASE("an agent restarted with new attributes: new agent id, same hostname, new AgentObserved",
          "[client][integration][agents]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerClient client(*log, listener, fast_options({sim.leader()}));
  REQUIRE(client.start().ok());
  AgentsProjection agents;
  auto load = [&] {
    agents.reset();
    REQUIRE(load_projection(*log, agents).ok());
  };
  REQUIRE(eventually([&] {
    load();
    if (agents.agents().size() != 3) return false;
    for (const auto& [_, a] : agents.agents()) {
      if (a.ip().empty()) return false;
    }
    return true;
  }));
  const std::string host = agents.agents().begin()->first;
  const std::string old_agent_id = agents.agents().begin()->second.agent_id();
  const size_t events_before = events_of_type(*log, "AgentObserved").size();

  auto attributes = sim::parse_attributes("scaleio-roles:sds;rack:r9").value();
  REQUIRE(sim.on_io([&] { return sim.master().set_agent_attributes(host, attributes); }).ok());
  REQUIRE(eventually([&] {
    load();
    const auto& a = agents.agents().at(host);
    return a.agent_id() != old_agent_id && a.attributes_size() == 2;
  }));
  const auto& agent = agents.agents().at(host);
  CHECK(agent.attributes(0).name() == "scaleio-roles");
  CHECK(agent.attributes(0).text() == "sds");
  CHECK(agent.attributes(1).text() == "r9");
  CHECK_FALSE(agent.ip().empty());
  // One change, one event (the offer and the poll may both see it first; never more than that).
  const size_t events_after = events_of_type(*log, "AgentObserved").size();
  std::string history;
  for (const auto& e : events_of_type(*log, "AgentObserved"))
    history += e.ShortDebugString() + "\n";
  INFO(history);
  CHECK(events_after > events_before);
  CHECK(events_after <= events_before + 2);
  client.stop();
}

TEST_CASE(
    "secrets: unreadable or empty secret files are refused at start, the secret never "
    "appears in messages",
    "[client][secret]") {
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  SchedulerOptions options = fast_options({"127.0.0.1:1"});
  options.framework.principal = "scaleio";
  options.secret_file = dir.sub("missing");
  {
    SchedulerClient client(*log, listener, options);
    Status s = client.start();
    CHECK(s.code() == StatusCode::kUnavailable);
  }
  {
    std::ofstream(dir.sub("empty")) << "\n";
    options.secret_file = dir.sub("empty");
    SchedulerClient client(*log, listener, options);
    CHECK(client.start().code() == StatusCode::kInvalidArgument);
  }
  {
    std::ofstream(dir.sub("secret")) << "s3cr3t-value\n";
    options.secret_file = dir.sub("secret");
    std::vector<std::string> lines;
    std::mutex mu;
    options.log = [&](const std::string& line) {
      std::lock_guard lock(mu);
      lines.push_back(line);
    };
    options.framework.principal = "";
    SchedulerClient no_principal(*log, listener, options);
    CHECK(no_principal.start().code() == StatusCode::kInvalidArgument);
    options.framework.principal = "scaleio";
    SchedulerClient client(*log, listener, options);
    REQUIRE(client.start().ok());
    REQUIRE(eventually([&] { return client.counters().subscribe_attempts >= 2; }));
    client.stop();
    std::lock_guard lock(mu);
    for (const auto& line : lines) CHECK(line.find("s3cr3t") == std::string::npos);
    for (const auto& e : listener.errors()) CHECK(e.find("s3cr3t") == std::string::npos);
  }
}
