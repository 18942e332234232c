// Each invariant checker of the simulation catches a violation planted by hand — otherwise a
// thousand green seeds would prove nothing — and stays quiet when nothing is wrong.
#include <catch2/catch.hpp>

#include "core/plan/plan_recorder.h"
#include "eventlog/rocks_event_log.h"
#include "sim/dst/invariants.h"
#include "sim/in_process/sim_gateway_world.h"
#include "tests/support/temp_dir.h"

namespace scaleio::dst {

namespace {

// Three MDM hosts in a three-node cluster, an SDS and an SDC on each, a domain and a pool.
struct SmallWorld {
  SmallWorld() {
    for (int i = 1; i <= 3; ++i) {
      sim::NodeInstall install;
      install.hostname = "node-0" + std::to_string(i);
      install.ip = "10.0.0." + std::to_string(10 + i);
      install.roles = {i == 3 ? "tb" : "mdm", "sds", "sdc"};
      install.mdm_ips = {"10.0.0.11", "10.0.0.12"};
      sim.node_installed(install);
    }
    REQUIRE(sim.create_cluster("10.0.0.11", "node-01").ok());
    for (const auto& argv : std::vector<std::vector<std::string>>{
             {"mdm", "add-standby", "--ip", "10.0.0.12", "--role", "manager", "--name", "node-02"},
             {"mdm", "add-standby", "--ip", "10.0.0.13", "--role", "tb", "--name", "node-03"},
             {"mdm", "switch-mode", "--mode", "3_node", "--add-slaves", "node-02", "--add-tbs",
              "node-03"}}) {
      auto done = sim.run_mdm_command("node-01", argv);
      INFO(done.status().to_string());
      REQUIRE(done.ok());
    }
    REQUIRE(sim.world().has_quorum());
    auto pd = world().add_protection_domain("pd1");
    REQUIRE(pd.ok());
    pd_id = pd.value();
    sim::StoragePool pool;
    pool.name = "sp1";
    pool.protection_domain_id = pd_id;
    auto sp = world().add_storage_pool(pool);
    REQUIRE(sp.ok());
    pool_id = sp.value();
    // Capacity for volumes: an SDS with a device on every node, joined and tested.
    for (int i = 1; i <= 3; ++i) {
      sim::NewSds sds;
      sds.name = "sds-0" + std::to_string(i);
      sds.protection_domain_id = pd_id;
      sds.ips = {{"10.0.0." + std::to_string(10 + i), "all"}};
      sds.devices = {{"/dev/sdb", "", pool_id, ""}};
      auto added = world().add_sds(sds);
      INFO((added.ok() ? std::string() : added.error().message));
      REQUIRE(added.ok());
    }
    sim.advance(std::chrono::minutes(2));
  }
  sim::ScaleioWorld& world() { return sim.world(); }
  std::string volume(const std::string& name) {
    sim::NewVolume v;
    v.name = name;
    v.storage_pool_id = pool_id;
    v.size_kb = 8 * sim::kKbPerGb;
    auto id = world().add_volume(v);
    INFO((id.ok() ? std::string() : id.error().message));
    REQUIRE(id.ok());
    return id.value();
  }

  sim::SimGatewayWorld sim;
  std::string pd_id;
  std::string pool_id;
};

Envelope agent_event(const std::string& host, const std::string& persona) {
  Envelope e;
  auto* a = e.mutable_agent_observed();
  a->set_hostname(host);
  a->set_agent_id("S-" + host);
  a->set_ip("10.0.0.11");
  a->set_active(true);
  auto* at = a->add_attributes();
  at->set_name("scaleio-persona");
  at->set_type(events::Attribute::TEXT);
  at->set_text(persona);
  return e;
}

}  // namespace

TEST_CASE("quorum: an operator step that leaves fewer than a quorum of good MDMs is caught",
          "[dst][invariants]") {
  SmallWorld w;
  QuorumInvariant quorum;
  quorum.before_operator_step(w.world());
  CHECK_FALSE(quorum.after_operator_step(w.world()));  // nothing changed

  quorum.before_operator_step(w.world());
  REQUIRE(w.world().fail_component("node-02", "mdm").ok());
  CHECK_FALSE(quorum.after_operator_step(w.world()));  // 2 of 3 good: still a quorum
  quorum.before_operator_step(w.world());
  REQUIRE(w.world().fail_component("node-03", "tb").ok());
  auto v = quorum.after_operator_step(w.world());
  REQUIRE(v);
  CHECK(v->invariant == "mdm_quorum");
  CHECK_THAT(v->detail, Catch::Contains("1 of 3 members good"));

  // Already below quorum before the step (a fault did it): not the operator's doing.
  quorum.before_operator_step(w.world());
  CHECK_FALSE(quorum.after_operator_step(w.world()));
}

TEST_CASE("created once: an object made again under a new id, or twice at once, is caught",
          "[dst][invariants]") {
  SmallWorld w;
  CreatedOnceInvariant created;
  CHECK_FALSE(created.check(w.world(), false));
  const std::string first = w.volume("data");
  CHECK_FALSE(created.check(w.world(), false));
  CHECK_FALSE(created.check(w.world(), false));

  // The same volume removed and created again: a second creation.
  REQUIRE(w.world().remove_volume(first).ok());
  w.volume("data");
  auto v = created.check(w.world(), false);
  REQUIRE(v);
  CHECK(v->invariant == "created_twice");
  CHECK_THAT(v->detail, Catch::Contains("volume data was created again"));

  // With --allow-removals a removal and a new creation are legitimate.
  CreatedOnceInvariant allowed;
  CHECK_FALSE(allowed.check(w.world(), true));
  std::vector<std::string> named_data;
  for (const auto& [id, vol] : w.world().volumes()) {
    if (vol.name == "data") named_data.push_back(id);
  }
  for (const auto& id : named_data) REQUIRE(w.world().remove_volume(id).ok());
  w.volume("data");
  CHECK_FALSE(allowed.check(w.world(), true));
}

TEST_CASE("created once: two live node tasks on one host are caught", "[dst][invariants]") {
  sim::AgentWorld mesos;
  auto task = [](const std::string& id, const std::string& host, const std::string& state) {
    sim::Task t;
    t.task_id = id;
    t.hostname = host;
    t.state = state;
    t.command.kind = sim::NodeCommand::Kind::kInstall;
    return t;
  };
  mesos.tasks["f/a1"] = task("a1", "node-01", "TASK_RUNNING");
  mesos.tasks["f/a0"] = task("a0", "node-01", "TASK_KILLED");
  mesos.tasks["f/b1"] = task("b1", "node-02", "TASK_STAGING");
  CHECK_FALSE(CreatedOnceInvariant::check_node_tasks(mesos));
  mesos.tasks["f/a2"] = task("a2", "node-01", "TASK_STARTING");
  auto v = CreatedOnceInvariant::check_node_tasks(mesos);
  REQUIRE(v);
  CHECK(v->invariant == "created_twice");
  CHECK_THAT(v->detail, Catch::Contains("two node tasks alive on node-01"));
}

TEST_CASE("no removal: an operator step that removes a storage object without the flag is caught",
          "[dst][invariants]") {
  SmallWorld w;
  const std::string volume = w.volume("data");
  NoRemovalInvariant removal;
  removal.before_operator_step(w.world());
  CHECK_FALSE(removal.after_operator_step(w.world(), false));
  w.volume("more");  // creating is fine
  CHECK_FALSE(removal.after_operator_step(w.world(), false));

  removal.before_operator_step(w.world());
  REQUIRE(w.world().remove_volume(volume).ok());
  auto v = removal.after_operator_step(w.world(), false);
  REQUIRE(v);
  CHECK(v->invariant == "removal_without_flag");
  CHECK_THAT(v->detail, Catch::Contains("volume/" + volume));
  CHECK_FALSE(removal.after_operator_step(w.world(), true));
}

TEST_CASE("acknowledged: an acknowledged update missing from the log is caught",
          "[dst][invariants]") {
  AcknowledgedInLogInvariant acked;
  std::vector<AcknowledgedStatus> acknowledged = {{"t1", "uuid-1", "TASK_RUNNING"}};
  Envelope e;
  e.mutable_task_status_observed()->set_task_id("t1");
  e.mutable_task_status_observed()->set_uuid("uuid-1");
  acked.observe(e);
  CHECK_FALSE(acked.check(acknowledged));
  acknowledged.push_back({"t2", "uuid-2", "TASK_FAILED"});
  auto v = acked.check(acknowledged);
  REQUIRE(v);
  CHECK(v->invariant == "acknowledged_not_logged");
  CHECK_THAT(v->detail, Catch::Contains("TASK_FAILED update of task t2"));
}

TEST_CASE("agent kept: a host removed from the plan before --agent-gone-after is caught",
          "[dst][invariants]") {
  using std::chrono::minutes;
  const Clock::TimePoint t0{std::chrono::seconds(1'700'000'000)};
  auto removal_at = [](const std::string& host, Clock::TimePoint at) {
    Envelope e;
    e.set_timestamp_unix_ms(
        std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count());
    e.mutable_agent_removed()->set_hostname(host);
    e.mutable_agent_removed()->set_reason("not listed");
    return e;
  };
  sim::AgentWorld mesos;
  mesos.agents["node-01"].spec.hostname = "node-01";
  mesos.agents["node-02"].spec.hostname = "node-02";
  AgentKeptInvariant kept(minutes(15));
  kept.watch(mesos, t0);
  mesos.agents["node-01"].state = sim::AgentState::kPartitioned;
  kept.watch(mesos, t0 + minutes(1));
  kept.watch(mesos, t0 + minutes(2));  // still away: counted from the first minute

  SECTION("away long enough: quiet") {
    kept.observe(removal_at("node-01", t0 + minutes(16)));
    CHECK_FALSE(kept.check());
  }
  SECTION("a partition shorter than the grace") {
    kept.observe(removal_at("node-01", t0 + minutes(15)));
    auto v = kept.check();
    REQUIRE(v);
    CHECK(v->invariant == "agent_kept");
    CHECK_THAT(v->detail, Catch::Contains("node-01") && Catch::Contains("840 s"));
  }
  SECTION("an agent that is registered") {
    kept.observe(removal_at("node-02", t0 + minutes(30)));
    auto v = kept.check();
    REQUIRE(v);
    CHECK_THAT(v->detail, Catch::Contains("registered with the master"));
  }
  SECTION("back, then removed") {
    mesos.agents["node-01"].state = sim::AgentState::kUp;
    kept.watch(mesos, t0 + minutes(5));
    kept.observe(removal_at("node-01", t0 + minutes(30)));
    CHECK(kept.check());
  }
}

TEST_CASE("foreign volume: a resize, a new mapping or a removal of it is caught",
          "[dst][invariants]") {
  SmallWorld w;
  const std::string id = w.volume("theirs");
  ForeignVolumeInvariant foreign;
  foreign.remember(w.world(), id);
  CHECK_FALSE(foreign.check(w.world()));

  SECTION("resized") {
    REQUIRE(w.world().resize_volume(id, 16).ok());
    auto v = foreign.check(w.world());
    REQUIRE(v);
    CHECK(v->invariant == "foreign_volume_touched");
    CHECK_THAT(v->detail, Catch::Contains("changed: size"));
  }
  SECTION("mapped") {
    REQUIRE_FALSE(w.world().sdcs().empty());
    REQUIRE(w.world().map_volume(id, w.world().sdcs().begin()->first, true).ok());
    auto v = foreign.check(w.world());
    REQUIRE(v);
    CHECK_THAT(v->detail, Catch::Contains("now to ["));
  }
  SECTION("removed") {
    REQUIRE(w.world().remove_volume(id).ok());
    auto v = foreign.check(w.world());
    REQUIRE(v);
    CHECK_THAT(v->detail, Catch::Contains("was removed"));
  }
}

TEST_CASE("projections: a live view that differs from the log rebuilt is caught",
          "[dst][invariants]") {
  testing::TempDir dir;
  ManualClock clock;
  eventlog::EventLogOptions options;
  options.sync = false;
  options.clock = &clock;
  auto a = eventlog::RocksEventLog::open(dir.sub("a"), options);
  auto b = eventlog::RocksEventLog::open(dir.sub("b"), options);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  // The same sequences in both logs, one event different: host node-01 has another persona.
  REQUIRE((*a)->append("node/node-01", ExpectedVersion::any(), {agent_event("node-01", "primary")})
              .ok());
  REQUIRE(
      (*b)->append("node/node-01", ExpectedVersion::any(), {agent_event("node-01", "data")}).ok());
  plan::ClusterSettings settings;
  reconcilers::LiveState live(**a, settings);
  REQUIRE(live.load().ok());

  // Against its own log, the live view matches.
  observed::ObservedState none;
  CHECK_FALSE(check_projections(**a, live, none, settings));
  // Against a log that says something else at the same sequence, it does not.
  auto v = check_projections(**b, live, none, settings);
  REQUIRE(v);
  CHECK(v->invariant == "projections_rebuilt");
  CHECK_THAT(v->detail, Catch::Contains("agents projection"));
}

TEST_CASE("observed digest: two states differ exactly when their objects or sequences do",
          "[dst][invariants]") {
  observed::ObservedState x;
  observed::ObservedState y;
  CHECK(observed_digest(x) == observed_digest(y));
  Envelope e;
  e.set_sequence(5);
  auto* pd = e.mutable_protection_domain_observed();
  pd->set_id("pd-1");
  pd->set_name("pd1");
  x.apply(e);
  CHECK(observed_digest(x) != observed_digest(y));
  y.apply(e);
  CHECK(observed_digest(x) == observed_digest(y));
  e.set_sequence(6);
  y.apply(e);
  CHECK(observed_digest(x) != observed_digest(y));
}

}  // namespace scaleio::dst
