// LiveState::load reads the log once for all four projections, from the oldest snapshot they
// use; each projection must still see exactly the events after its own snapshot.
#include <catch2/catch.hpp>

#include "core/observed/observed_projection.h"
#include "eventlog/rocks_event_log.h"
#include "reconcilers/runtime/live_state.h"
#include "tests/reconcilers/runtime/runtime_fakes.h"
#include "tests/support/temp_dir.h"

using scaleio::Envelope;
using scaleio::eventlog::RocksEventLog;
using scaleio::reconcilers::LiveState;
using namespace scaleio::testing;

namespace {

struct Log : TempLog {
  // One event of every projection's kinds, named after `round`.
  void round(int round) {
    const std::string n = std::to_string(round);
    append("node/h" + n, agent_event("h" + n, true));
    append("task/t" + n, task_launch_event("t" + n, "S-h" + n));
    append("task/t" + n, task_status_event("t" + n));
    append("scaleio/gateway", sds_event("sds" + n, "Normal"));
    append("scaleio/gateway", sds_event("sds0", "state-" + n));  // one object changing
    append("reconciler/nodes", intent_event("nodes", "launch_task", "node/h" + n));
    if (round % 2 == 0) {
      append("reconciler/nodes", success_event("nodes", "launch_task", "node/h" + n));
    }
  }
};

// Each projection's whole state, folded from the first event without any snapshot.
struct FullReplay {
  scaleio::AgentsProjection agents;
  scaleio::MesosTasksProjection tasks;
  scaleio::observed::ObservedProjection observed;
  scaleio::ActionJournal journal;

  explicit FullReplay(const RocksEventLog& log, uint64_t to) {
    for (scaleio::Projection* p :
         std::initializer_list<scaleio::Projection*>{&agents, &tasks, &observed, &journal}) {
      REQUIRE(scaleio::catch_up_projection(log, *p, 0, to).ok());
    }
  }
};

void check_equal(const LiveState& live, const FullReplay& full) {
  CHECK(live.agents().save() == full.agents.save());
  CHECK(live.tasks().save() == full.tasks.save());
  CHECK(live.journal().save() == full.journal.save());
  CHECK(live.observed().sdss.size() == full.observed.state().sdss.size());
  CHECK(live.observed().sdss.at("sds0").value.state() ==
        full.observed.state().sdss.at("sds0").value.state());
  CHECK(live.observed().last_sequence == full.observed.state().last_sequence);
}

}  // namespace

TEST_CASE("live state loads from snapshots of different ages in one scan, equal to a full replay") {
  Log w;
  for (int r = 1; r <= 3; ++r) w.round(r);
  uint64_t older = 0;
  {
    LiveState first(*w.log, {});
    REQUIRE(first.load().ok());            // records the plan after the events it read
    REQUIRE(first.save_snapshots().ok());  // all four at the same sequence
    older = first.last_sequence();
  }
  REQUIRE(older + 1 == w.log->last_sequence());
  for (int r = 4; r <= 6; ++r) w.round(r);
  // agents and mesos_tasks get newer snapshots than the other two.
  const uint64_t newer = w.log->last_sequence();
  {
    FullReplay at_newer(*w.log, newer);
    REQUIRE(scaleio::save_projection_snapshot(*w.log, at_newer.agents, newer).ok());
    REQUIRE(scaleio::save_projection_snapshot(*w.log, at_newer.tasks, newer).ok());
  }
  for (int r = 7; r <= 8; ++r) w.round(r);

  LiveState live(*w.log, {});
  auto load = live.load();
  REQUIRE(load.ok());
  const uint64_t end = load->last_sequence;
  CHECK(end == w.log->last_sequence() - 1);  // the load recorded the plan after reading
  CHECK(load->from_snapshot ==
        std::vector<std::string>{"agents", "mesos_tasks", "scaleio-observed", "action_journal"});
  CHECK(load->snapshot_problems.empty());
  // Started after the OLDER snapshot...
  CHECK(load->replayed_from == older);
  CHECK(load->events_replayed == end - older);
  // ...and every projection holds exactly what a replay from the first event gives: the journal
  // and observed state saw rounds 4-6 (before the newer snapshots), none saw anything twice.
  FullReplay full(*w.log, end);
  check_equal(live, full);
  CHECK(live.journal().pending("nodes").size() == 4);  // intents of rounds 1, 3, 5, 7
  CHECK(live.tasks().tasks().size() == 8);
  CHECK(live.plan().nodes.size() == 8);

  SECTION("a damaged snapshot of one projection: rebuilt from the first event, the rest equal") {
    scaleio::Snapshot junk;
    junk.sequence = end;
    junk.format_version = scaleio::observed::ObservedProjection().format_version();
    junk.state = "\xff\xff not protobuf";
    REQUIRE(w.log->save_snapshot("scaleio-observed", junk).ok());
    LiveState again(*w.log, {});
    auto reload = again.load();
    REQUIRE(reload.ok());
    REQUIRE(reload->snapshot_problems.size() == 1);
    CHECK_THAT(reload->snapshot_problems[0], Catch::StartsWith("scaleio-observed: "));
    CHECK(reload->replayed_from == 0);
    CHECK(reload->events_replayed == reload->last_sequence);
    check_equal(again, FullReplay(*w.log, reload->last_sequence));
  }
}

TEST_CASE("passes share one drift analysis until the observed state or the plan changes") {
  Log w;
  for (int r = 1; r <= 3; ++r) w.round(r);
  LiveState live(*w.log, {});
  REQUIRE(live.catch_up().ok());
  const auto now = scaleio::Clock::TimePoint{};
  auto analysis = [&] { return &live.input(now, false).analysis(); };
  // Equal to what a pass would compute itself from the same plan and state.
  auto check_fresh = [&] {
    CHECK(analysis()->items() == scaleio::observed::drift(live.plan(), live.observed()));
  };

  check_fresh();
  const uint64_t built = live.analyses_computed();
  check_fresh();
  CHECK(live.analyses_computed() == built);  // the second pass reused the first one's

  SECTION("events that change neither (journal, tasks) keep it") {
    w.append("reconciler/nodes", intent_event("nodes", "launch_task", "node/h9"));
    w.append("task/t1", task_status_event("t1"));
    REQUIRE(live.catch_up().ok());
    check_fresh();
    CHECK(live.analyses_computed() == built);
  }
  SECTION("an observation rebuilds it") {
    const auto items_before = analysis()->items();  // "gateway: not observed yet"
    Envelope reached;
    reached.mutable_gateway_reachable()->set_version("3.0");
    w.append("scaleio/gateway", reached);
    w.append("scaleio/gateway", sds_event("sds-new", "Normal"));
    REQUIRE(live.catch_up().ok());
    (void)live.input(now, false);
    CHECK(live.analyses_computed() == built);  // not computed until a pass asks (nodes never does)
    check_fresh();
    CHECK(live.analyses_computed() == built + 1);
    CHECK(analysis()->items() != items_before);  // now: the SDSs the plan does not know
  }
  SECTION("a new agent (a new plan) rebuilds it") {
    const size_t nodes_before = live.plan().nodes.size();
    w.append("node/h10", agent_event("h10", true));
    REQUIRE(live.catch_up().ok());
    CHECK(live.plan().nodes.size() == nodes_before + 1);
    check_fresh();
    CHECK(live.analyses_computed() == built + 1);
  }
  SECTION("a reload rebuilds it") {
    REQUIRE(live.load().ok());
    check_fresh();
    CHECK(live.analyses_computed() == built + 1);
  }
}

TEST_CASE("a reconciler loop's live state keeps its own journal part and never saves snapshots") {
  Log w;
  for (int r = 1; r <= 4; ++r) w.round(r);
  w.append("reconciler/storage_pools", intent_event("storage_pools", "create_volume", "volume/v1"));
  w.append("reconciler/storage_pools",
           success_event("storage_pools", "create_volume", "volume/v1", "vol-id-1"));
  LiveState loop_state(std::make_shared<scaleio::reconcilers::SharedProjections>(
                           *w.log, scaleio::plan::ClusterSettings{}),
                       "nodes");
  REQUIRE(loop_state.catch_up().ok());
  const FullReplay full(*w.log, loop_state.last_sequence());
  // Everything but the journal is whole; the journal answers for nodes as the whole one does.
  CHECK(loop_state.agents().save() == full.agents.save());
  CHECK(loop_state.tasks().save() == full.tasks.save());
  CHECK(loop_state.journal().pending("nodes").size() == full.journal.pending("nodes").size());
  CHECK(loop_state.journal().find("nodes", "node/h2")->last_outcome_sequence ==
        full.journal.find("nodes", "node/h2")->last_outcome_sequence);
  CHECK(loop_state.journal().created_id("volume/v1") == "vol-id-1");
  CHECK_THROWS_AS(loop_state.journal().find("storage_pools", "volume/v1"), std::logic_error);

  // Its partial journal must not become the snapshot the daemon restores from.
  const scaleio::Status saved = loop_state.save_snapshots();
  CHECK(saved.code() == scaleio::StatusCode::kFailedPrecondition);
  LiveState fresh(*w.log, {});
  auto loaded = fresh.load();
  REQUIRE(loaded.ok());
  CHECK(loaded->from_snapshot.empty());
  CHECK(fresh.journal().find("storage_pools", "volume/v1") != nullptr);
}
