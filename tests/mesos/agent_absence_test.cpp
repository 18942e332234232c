// An agent that is only unreachable must not leave the plan (issue 10): the master's GET_AGENTS
// does not list a partitioned or restarting agent, so the adapter records it away (inactive, with
// its id, IP and attributes) and removes it only after --agent-gone-after, counted from the log so
// that a restart keeps the timer. First the shared rule (observation_records.h), then the client
// against the simulated master with its own manual clock.
#include <catch2/catch.hpp>

#include "adapters/mesos/observation_records.h"
#include "core/agents_projection.h"
#include "core/plan/plan_builder.h"
#include "tests/mesos/sim_fixture.h"

using namespace scaleio;
using namespace scaleio::mesos;
using namespace scaleio::mesos::test;
using namespace std::chrono_literals;

namespace {

constexpr int64_t kT0 = 1'700'000'000'000;  // ms

events::Attribute text_attribute(const std::string& name, const std::string& value) {
  events::Attribute a;
  a.set_name(name);
  a.set_type(events::Attribute::TEXT);
  a.set_text(value);
  return a;
}

Envelope observed(const std::string& host, const std::string& id, const std::string& ip,
                  bool active, int64_t at_ms) {
  Envelope e;
  e.set_timestamp_unix_ms(at_ms);
  auto* a = e.mutable_agent_observed();
  a->set_hostname(host);
  a->set_agent_id(id);
  a->set_ip(ip);
  a->set_active(active);
  *a->add_attributes() = text_attribute("scaleio-roles", "sds");
  return e;
}

// Appends `e` to the host's stream and folds it into `agents`.
void append(EventStore& log, AgentsProjection& agents, Envelope e) {
  const std::string host =
      e.has_agent_observed() ? e.agent_observed().hostname() : e.agent_removed().hostname();
  auto appended = log.append(agent_stream(host), ExpectedVersion::any(), {e});
  REQUIRE(appended.ok());
  e.set_sequence(appended->last_sequence);
  agents.apply(e);
}

std::vector<Envelope> agent_events_of(const EventStore& log, const std::string& host,
                                      const std::string& type) {
  std::vector<Envelope> out;
  for (auto& e : events_of_type(log, type)) {
    const std::string h =
        e.has_agent_observed() ? e.agent_observed().hostname() : e.agent_removed().hostname();
    if (h == host) out.push_back(std::move(e));
  }
  return out;
}

// The plan the log's agents give (the operator's default cluster settings).
std::string plan_hash(const EventStore& log) {
  AgentsProjection agents;
  REQUIRE(load_projection(log, agents).ok());
  std::vector<events::AgentObserved> list;
  for (const auto& [host, agent] : agents.agents()) list.push_back(agent);
  return plan::build_plan(list, plan::ClusterSettings{}).content_hash();
}

// Waits until the client handled `n` more GET_AGENTS answers.
bool polls_after(const SchedulerClient& client, uint64_t n) {
  const uint64_t start = client.counters().agents_polls;
  return eventually([&] { return client.counters().agents_polls >= start + n; });
}

}  // namespace

TEST_CASE("agents rule: an unlisted agent is first recorded away, with its IP and attributes",
          "[agents]") {
  testing::TempDir dir;
  auto log = open_log(dir);
  AgentsProjection agents;
  append(*log, agents, observed("h1", "a1", "10.0.0.1", true, kT0));
  append(*log, agents, observed("h2", "a2", "10.0.0.2", true, kT0));
  AgentAbsences absences;
  REQUIRE(absences.load(*log, agents).ok());

  auto verdict = unlisted_agents(agents, absences, {"h2"}, kT0 + 1000, 15min);
  REQUIRE(verdict.away.size() == 1);
  CHECK(verdict.gone.empty());
  const auto& away = verdict.away[0];
  CHECK(away.hostname() == "h1");
  CHECK(away.agent_id() == "a1");
  CHECK(away.ip() == "10.0.0.1");
  CHECK_FALSE(away.active());
  REQUIRE(away.attributes_size() == 1);
  CHECK(away.attributes(0).text() == "sds");
}

TEST_CASE("agents rule: an away agent is removed only once --agent-gone-after has passed",
          "[agents]") {
  testing::TempDir dir;
  auto log = open_log(dir);
  AgentsProjection agents;
  AgentAbsences absences;
  append(*log, agents, observed("h1", "a1", "10.0.0.1", true, kT0));
  Envelope away = observed("h1", "a1", "10.0.0.1", false, kT0 + 60'000);
  append(*log, agents, away);
  absences.apply(away);
  REQUIRE(absences.away_since_ms("h1") == kT0 + 60'000);

  // Still unlisted: nothing new before the grace, the removal after it.
  auto early = unlisted_agents(agents, absences, {}, kT0 + 60'000 + 14 * 60'000, 15min);
  CHECK(early.away.empty());
  CHECK(early.gone.empty());
  auto late = unlisted_agents(agents, absences, {}, kT0 + 60'000 + 15 * 60'000, 15min);
  CHECK(late.away.empty());
  REQUIRE(late.gone.size() == 1);
  CHECK(late.gone[0].hostname() == "h1");
  CHECK(late.gone[0].agent_id() == "a1");
  CHECK(late.gone[0].reason().find("--agent-gone-after") != std::string::npos);

  // Listed again (agents or recovered_agents): neither away nor gone.
  auto listed = unlisted_agents(agents, absences, {"h1"}, kT0 + 3'600'000, 15min);
  CHECK(listed.away.empty());
  CHECK(listed.gone.empty());
}

TEST_CASE("agents rule: the away timer is read back from the log (a restart keeps it)",
          "[agents]") {
  testing::TempDir dir;
  auto log = open_log(dir);
  AgentsProjection agents;
  // h1 was away before (ended by an active record), then away again from kT0 + 5 min: two
  // inactive records in the current absence (an IP change while away), the first one counts.
  append(*log, agents, observed("h1", "a1", "10.0.0.1", true, kT0));
  append(*log, agents, observed("h1", "a1", "10.0.0.1", false, kT0 + 60'000));
  append(*log, agents, observed("h1", "a1", "10.0.0.1", true, kT0 + 120'000));
  append(*log, agents, observed("h1", "a1", "10.0.0.1", false, kT0 + 300'000));
  append(*log, agents, observed("h1", "a1", "10.0.0.9", false, kT0 + 400'000));
  append(*log, agents, observed("h2", "a2", "10.0.0.2", true, kT0));
  // h3 away since its first record (it was never seen active).
  append(*log, agents, observed("h3", "a3", "10.0.0.3", false, kT0 + 7'000));

  AgentAbsences absences;
  REQUIRE(absences.load(*log, agents).ok());
  CHECK(absences.away_since_ms("h1") == kT0 + 300'000);
  CHECK_FALSE(absences.away_since_ms("h2"));
  CHECK(absences.away_since_ms("h3") == kT0 + 7'000);

  // Many records in one absence (more than a page of the stream) still find its start.
  for (int i = 0; i < 150; ++i) {
    append(*log, agents,
           observed("h1", "a1", "10.0.1." + std::to_string(i), false, kT0 + 500'000 + i));
  }
  AgentAbsences again;
  REQUIRE(again.load(*log, agents).ok());
  CHECK(again.away_since_ms("h1") == kT0 + 300'000);
}

TEST_CASE("agents rule: offers keep the recorded IP, unchanged agents append nothing", "[agents]") {
  AgentsProjection agents;
  Envelope known = observed("h1", "a1", "10.0.0.1", false, kT0);
  agents.apply(known);
  const std::vector<events::Attribute> attributes = {text_attribute("scaleio-roles", "sds")};

  // Back through an offer (no IP): active again, same address.
  auto back = agent_change(agents, "h1", "a1", std::nullopt, attributes, true);
  REQUIRE(back);
  CHECK(back->ip() == "10.0.0.1");
  CHECK(back->active());
  CHECK_FALSE(agent_change(agents, "h1", "a1", std::nullopt, attributes, false));
  // A re-registration under a new id with new attributes is recorded as it is.
  const std::vector<events::Attribute> grown = {text_attribute("scaleio-roles", "sds,sdc")};
  auto renewed = agent_change(agents, "h1", "a9", std::string("10.0.0.1"), grown, true);
  REQUIRE(renewed);
  CHECK(renewed->agent_id() == "a9");
  CHECK(renewed->attributes(0).text() == "sds,sdc");
  // A host the log does not know, from an offer: no address yet.
  auto fresh = agent_change(agents, "h2", "a2", std::nullopt, attributes, true);
  REQUIRE(fresh);
  CHECK(fresh->ip().empty());
}

TEST_CASE("agents rule: FAILURE of an agent makes it away, TASK_GONE_BY_OPERATOR removes it",
          "[agents]") {
  AgentsProjection agents;
  agents.apply(observed("h1", "a1", "10.0.0.1", true, kT0));

  auto away = failed_agent(agents, "a1");
  REQUIRE(away);
  CHECK(away->hostname() == "h1");
  CHECK(away->ip() == "10.0.0.1");
  CHECK_FALSE(away->active());
  CHECK_FALSE(failed_agent(agents, "a-unknown"));

  TaskStatus status;
  status.task_id = "node-h1";
  status.agent_id = "a1";
  status.state = TaskState::kUnreachable;
  CHECK_FALSE(gone_agent(agents, status));  // may come back
  status.state = TaskState::kGoneByOperator;
  auto removed = gone_agent(agents, status);
  REQUIRE(removed);
  CHECK(removed->hostname() == "h1");
  CHECK(removed->reason().find("TASK_GONE_BY_OPERATOR") != std::string::npos);
  status.agent_id = "a-old";  // the host runs under a new id since: not this agent
  CHECK_FALSE(gone_agent(agents, status));
}

// --- the client against the simulated master -----------------------------------------------------

TEST_CASE("a partition shorter than --agent-gone-after keeps the host in the plan with its IP",
          "[client][integration][agents]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  ManualClock clock;
  SchedulerOptions options = fast_options({sim.leader()});
  options.clock = &clock;
  options.agent_gone_after = 10min;
  SchedulerClient client(*log, listener, options);
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return events_of_type(*log, "AgentObserved").size() >= 3; }));
  REQUIRE(polls_after(client, 1));
  const std::string host = sim.world()["agents"][0]["hostname"].get<std::string>();
  const auto before = agent_events_of(*log, host, "AgentObserved").back().agent_observed();
  REQUIRE_FALSE(before.ip().empty());
  const std::string plan_before = plan_hash(*log);

  REQUIRE(sim.on_io([&] { return sim.master().partition_agent(host); }).ok());
  REQUIRE(eventually([&] {
    return !agent_events_of(*log, host, "AgentObserved").back().agent_observed().active();
  }));
  const auto away = agent_events_of(*log, host, "AgentObserved").back().agent_observed();
  CHECK(away.agent_id() == before.agent_id());
  CHECK(away.ip() == before.ip());
  CHECK(away.attributes_size() == before.attributes_size());
  CHECK(plan_hash(*log) == plan_before);

  clock.advance(9min);
  REQUIRE(polls_after(client, 2));
  CHECK(agent_events_of(*log, host, "AgentRemoved").empty());

  // The partition heals: the same agent, active again, with its address.
  REQUIRE(sim.on_io([&] { return sim.master().start_agent(host); }).ok());
  REQUIRE(eventually([&] {
    return agent_events_of(*log, host, "AgentObserved").back().agent_observed().active();
  }));
  const auto back = agent_events_of(*log, host, "AgentObserved").back().agent_observed();
  CHECK(back.agent_id() == before.agent_id());
  CHECK(back.ip() == before.ip());
  clock.advance(5min);  // past the grace counted from the partition: it is over, nothing happens
  REQUIRE(polls_after(client, 2));
  CHECK(agent_events_of(*log, host, "AgentRemoved").empty());
  CHECK(plan_hash(*log) == plan_before);
  client.stop();
}

TEST_CASE("an agent unlisted for longer than --agent-gone-after leaves the plan",
          "[client][integration][agents]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  RecordingListener listener;
  ManualClock clock;
  SchedulerOptions options = fast_options({sim.leader()});
  options.clock = &clock;
  options.agent_gone_after = 10min;
  SchedulerClient client(*log, listener, options);
  REQUIRE(client.start().ok());
  REQUIRE(eventually([&] { return events_of_type(*log, "AgentObserved").size() >= 3; }));
  const std::string host = sim.world()["agents"][0]["hostname"].get<std::string>();
  const std::string plan_before = plan_hash(*log);
  REQUIRE(sim.on_io([&] { return sim.master().stop_agent(host); }).ok());
  REQUIRE(eventually([&] {
    return !agent_events_of(*log, host, "AgentObserved").back().agent_observed().active();
  }));
  CHECK(agent_events_of(*log, host, "AgentRemoved").empty());

  clock.advance(10min);
  REQUIRE(eventually([&] { return agent_events_of(*log, host, "AgentRemoved").size() == 1; }));
  const auto removed = agent_events_of(*log, host, "AgentRemoved")[0].agent_removed();
  CHECK(removed.reason().find("--agent-gone-after") != std::string::npos);
  CHECK(plan_hash(*log) != plan_before);
  client.stop();
}

TEST_CASE("a restart of the client while an agent is away keeps its --agent-gone-after timer",
          "[client][integration][agents]") {
  SimMaster sim;
  testing::TempDir dir;
  auto log = open_log(dir);
  ManualClock clock;
  SchedulerOptions options = fast_options({sim.leader()});
  options.clock = &clock;
  options.agent_gone_after = 10min;
  std::string host;
  {
    RecordingListener listener;
    SchedulerClient client(*log, listener, options);
    REQUIRE(client.start().ok());
    REQUIRE(eventually([&] { return events_of_type(*log, "AgentObserved").size() >= 3; }));
    host = sim.world()["agents"][0]["hostname"].get<std::string>();
    REQUIRE(sim.on_io([&] { return sim.master().partition_agent(host); }).ok());
    REQUIRE(eventually([&] {
      return !agent_events_of(*log, host, "AgentObserved").back().agent_observed().active();
    }));
    client.stop();
  }
  clock.advance(6min);  // the daemon is down for a while
  RecordingListener listener;
  SchedulerClient client(*log, listener, options);
  REQUIRE(client.start().ok());
  REQUIRE(polls_after(client, 2));
  CHECK(agent_events_of(*log, host, "AgentRemoved").empty());  // 6 of 10 minutes
  // 5 more minutes: 11 since the agent went away, 5 since the restart. A timer kept only in
  // memory would still wait.
  clock.advance(5min);
  REQUIRE(eventually([&] { return agent_events_of(*log, host, "AgentRemoved").size() == 1; }));
  client.stop();
}
