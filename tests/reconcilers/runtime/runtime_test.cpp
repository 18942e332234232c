// The steppable runtime on a manual clock over the real log: when passes are due, what wakes
// them, backoff across restarts, intents left by a crash, pause and resume, status.
#include <stdexcept>

#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "reconcilers/runtime/live_state.h"
#include "reconcilers/runtime/operator_commands.h"
#include "reconcilers/runtime/runtime.h"
#include "tests/reconcilers/runtime/runtime_fakes.h"
#include "tests/support/temp_dir.h"

using scaleio::Clock;
using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::ManualClock;
using scaleio::Result;
using scaleio::Status;
using scaleio::StatusCode;
using scaleio::eventlog::RocksEventLog;
using scaleio::reconcilers::ActionRequest;
using scaleio::reconcilers::append_operator_command;
using scaleio::reconcilers::LiveState;
using scaleio::reconcilers::Reconciler;
using scaleio::reconcilers::Runtime;
using scaleio::reconcilers::RuntimeOptions;
using namespace scaleio::testing;
using namespace std::chrono_literals;

namespace {

const std::vector<std::string> kNames = {"nodes", "storage_pools"};

// The daemon's side: a log, a clock, and a subscription that feeds new events to the runtime.
struct World {
  TempDir dir;
  std::unique_ptr<RocksEventLog> log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  std::unique_ptr<scaleio::EventSubscription> sub = log->subscribe(1);

  void append(const std::string& stream, Envelope e) {
    REQUIRE(log->append(stream, ExpectedVersion::any(), one_event(std::move(e))).ok());
  }
  void pump(Runtime& rt) {
    auto batch = sub->next_batch(10'000, 0ms);
    REQUIRE(batch.ok());
    for (const Envelope& e : *batch) rt.notify(e);
  }
  // A restart: the process ends (the log is closed), a new one opens the same directory.
  void restart() {
    sub.reset();
    log.reset();
    log = std::move(RocksEventLog::open(dir.path())).value();
    sub = log->subscribe(log->last_sequence() + 1);
  }
  Runtime runtime(std::vector<Reconciler*> reconcilers, RuntimeOptions options = {},
                  scaleio::reconcilers::RuntimeObserver* observer = nullptr) {
    return Runtime(
        *log, clock, [] { return 0.5; }, std::move(options), std::move(reconcilers), observer);
  }
};

RuntimeOptions periods(Clock::Duration nodes, Clock::Duration pools = 1h) {
  RuntimeOptions o;
  o.periods = {{"nodes", nodes}, {"storage_pools", pools}};
  return o;
}

}  // namespace

TEST_CASE("the first pass is due at once and then every period") {
  World w;
  FakeReconciler nodes("nodes"), pools("storage_pools");
  Runtime rt = w.runtime({&nodes, &pools}, periods(10s, 25s));
  REQUIRE(rt.next_due() == w.clock.now());
  CHECK(rt.run_due() == 2);
  CHECK(rt.run_due() == 0);  // a pass is not due again at the same instant
  const auto start = w.clock.now();
  CHECK(rt.next_due() == start + 10s);

  w.clock.advance(9s);
  CHECK(rt.run_due() == 0);
  w.clock.advance(1s);
  CHECK(rt.run_due() == 1);
  CHECK(nodes.pass_count() == 2);
  CHECK(pools.pass_count() == 1);
  CHECK(rt.next_due() == start + 20s);
  w.clock.advance(10s);
  CHECK(rt.run_due() == 1);
  w.clock.advance(5s);
  CHECK(rt.run_due() == 1);  // storage_pools at 25 s
  CHECK(nodes.pass_count() == 3);
  CHECK(pools.pass_count() == 2);
  CHECK(rt.names() == kNames);
}

TEST_CASE("requeue_after brings the next pass forward, and only that pass") {
  World w;
  FakeReconciler nodes("nodes");
  int pass = 0;
  nodes.on_pass = [&](const auto&, auto&) {
    scaleio::reconcilers::PassOutcome o;
    if (++pass == 1) o.requeue_after = 3s;
    return o;
  };
  Runtime rt = w.runtime({&nodes}, periods(60s));
  const auto start = w.clock.now();
  rt.run_due();
  CHECK(rt.next_due() == start + 3s);
  w.clock.advance(3s);
  CHECK(rt.run_due() == 1);
  CHECK(rt.next_due() == start + 63s);  // no requeue asked: the period again
  // A requeue longer than the period does not delay the pass.
  nodes.on_pass = [](const auto&, auto&) {
    scaleio::reconcilers::PassOutcome o;
    o.requeue_after = 10min;
    return o;
  };
  w.clock.advance(60s);
  CHECK(rt.run_due() == 1);
  CHECK(rt.next_due() == start + 123s);
}

TEST_CASE("a relevant new event wakes a loop and an irrelevant one does not") {
  World w;
  FakeReconciler nodes("nodes"), pools("storage_pools");
  pools.wakes = [](const Envelope& e) { return e.has_task_status_observed(); };
  Runtime rt = w.runtime({&nodes, &pools}, periods(1h, 1h));
  rt.run_due();
  w.pump(rt);  // the events the first passes already read (the plan) wake nobody
  CHECK(rt.run_due() == 0);

  w.clock.advance(1s);
  w.append("task/t1", task_status_event("t1"));  // relevant to storage_pools only
  w.pump(rt);
  CHECK(rt.next_due() == w.clock.now());
  CHECK(rt.run_due() == 1);
  CHECK(pools.pass_count() == 2);
  CHECK(nodes.pass_count() == 1);

  w.append("agent/h1", agent_event("h1"));  // relevant to nodes only
  w.pump(rt);
  CHECK(rt.run_due() == 1);
  REQUIRE(nodes.pass_count() == 2);
  CHECK(nodes.passes().back().last_sequence == w.log->last_sequence());  // the pass saw it

  w.append("operator", [] {
    Envelope e;
    e.mutable_operator_command()->set_command("note");
    e.mutable_operator_command()->set_target("mdm_quorum");
    return e;
  }());
  w.pump(rt);
  CHECK(rt.run_due() == 0);
  CHECK(rt.next_due() == w.clock.now() + 1h);
}

TEST_CASE("a loop is not woken by its own action events nor by events its pass already read") {
  World w;
  FakeReconciler nodes("nodes");
  // Everything but the plan, which each loop's live state records as it loads.
  nodes.wakes = [](const Envelope& e) { return !e.has_plan_computed(); };
  nodes.on_pass = [](const auto& in, auto& actions) {
    scaleio::reconcilers::PassOutcome o;
    if (in.journal.find("nodes", "node/h1") == nullptr) {
      (void)actions.perform(ActionRequest{"launch_task", "node/h1", "k", ""},
                            [] { return Result<std::string>("task-1"); });
    }
    return o;
  };
  w.append("agent/h0", agent_event("h0"));  // before start: read by the first pass
  Runtime rt = w.runtime({&nodes}, periods(1h));
  CHECK(rt.run_due() == 1);
  w.pump(rt);  // h0, the plan, the intent and the outcome
  CHECK(rt.run_due() == 0);
  w.append("agent/h1", agent_event("h1"));
  w.pump(rt);
  CHECK(rt.run_due() == 1);
}

TEST_CASE("a failing target backs off, and the loop wakes when the backoff expires") {
  World w;
  FakeReconciler pools("storage_pools");
  int attempts = 0;
  pools.on_pass = [&](const auto& in, auto& actions) {
    scaleio::reconcilers::PassOutcome o;
    if (!in.journal.in_backoff("storage_pools", "pool/a", w.clock.now_unix_ms())) {
      ++attempts;
      (void)actions.perform(ActionRequest{"create_storage_pool", "pool/a", "k", ""},
                            [] { return Result<std::string>(scaleio::unavailable("down")); });
    }
    return o;
  };
  Runtime rt = w.runtime({&pools}, periods(1h, 1h));
  const auto t0 = w.clock.now();
  rt.run_due();
  CHECK(attempts == 1);
  CHECK(rt.next_due() == t0 + 2s);  // base 2 s, jitter factor 1.0 (random 0.5)
  w.clock.set(t0 + 2s);
  CHECK(rt.run_due() == 1);
  CHECK(attempts == 2);
  CHECK(rt.next_due() == t0 + 2s + 4s);
  w.clock.set(t0 + 6s);
  CHECK(rt.run_due() == 1);
  CHECK(attempts == 3);
  CHECK(rt.next_due() == t0 + 6s + 8s);

  auto st = rt.status().at(0);
  REQUIRE(st.backoff.size() == 1);
  CHECK(st.backoff[0].target == "pool/a");
  CHECK(st.backoff[0].consecutive_failures == 3);
  CHECK(st.actions_total == 3);
  CHECK(st.last_result == "success");  // single actions failing are not pass errors
}

TEST_CASE("backoff survives a restart: a new runtime skips the target until its next attempt") {
  World w;
  FakeReconciler pools("storage_pools");
  int attempts = 0;
  pools.on_pass = [&](const auto& in, auto& actions) {
    scaleio::reconcilers::PassOutcome o;
    if (!in.journal.in_backoff("storage_pools", "pool/a", in.now.time_since_epoch() / 1ms)) {
      ++attempts;
      (void)actions.perform(ActionRequest{"create_storage_pool", "pool/a", "k", ""},
                            [] { return Result<std::string>(scaleio::unavailable("down")); });
    }
    return o;
  };
  const auto t0 = w.clock.now();
  {
    Runtime rt = w.runtime({&pools}, periods(1h, 1h));
    rt.run_due();
    w.clock.set(t0 + 2s);
    rt.run_due();
    CHECK(attempts == 2);  // the next attempt is at t0 + 6 s
  }
  w.restart();
  w.clock.set(t0 + 3s);
  Runtime again = w.runtime({&pools}, periods(1h, 1h));
  CHECK(again.run_due() == 1);  // the first pass runs at once...
  CHECK(attempts == 2);         // ...and sees the target still in backoff
  CHECK(again.next_due() == t0 + 6s);
  w.clock.set(t0 + 6s);
  CHECK(again.run_due() == 1);
  CHECK(attempts == 3);
  auto st = again.status().at(0);
  REQUIRE(st.backoff.size() == 1);
  CHECK(st.backoff[0].consecutive_failures == 3);  // the count went on across the restart
}

TEST_CASE("an intent left without outcome by a crash is resolved after fresh observation") {
  World w;
  // The crash: an intent on the log, its outcome never written.
  w.append("reconciler/storage_pools",
           intent_event("storage_pools", "create_storage_pool", "pool/pd1/sp1"));
  w.restart();

  std::vector<std::string> order;
  RuntimeOptions options = periods(1h, 1h);
  options.refresh_observation = [&] {
    order.push_back("refresh");
    Envelope seen;
    seen.set_source(scaleio::events::SOURCE_OBSERVER);
    seen.mutable_gateway_reachable()->set_version("3.0");
    REQUIRE(w.log->append("gateway", ExpectedVersion::any(), one_event(seen)).ok());
    return Status();
  };
  FakeReconciler pools("storage_pools");
  uint64_t refreshed_at = 0;
  pools.on_pass = [&](const auto& in, auto& actions) {
    order.push_back("pass");
    scaleio::reconcilers::PassOutcome o;
    for (const auto* r : in.journal.pending("storage_pools")) {
      // The observation says it exists: record that instead of creating it again.
      REQUIRE(actions.resolve(*r->pending, true, "sp-id-9").ok());
    }
    if (!in.observed.reachable) o.status = scaleio::unavailable("not observed yet");
    refreshed_at = in.last_sequence;
    return o;
  };
  Runtime rt = w.runtime({&pools}, options);
  rt.run_due();
  CHECK(order == std::vector<std::string>{"refresh", "pass"});
  REQUIRE(pools.passes().size() == 1);
  const PassSeen first = pools.passes()[0];
  REQUIRE(first.pending.size() == 1);
  CHECK(first.pending[0].target() == "pool/pd1/sp1");
  CHECK(refreshed_at >= 2);  // the refresh's event is in the first pass's input
  CHECK(rt.status()[0].last_result == "success");

  LiveState after(*w.log, {});
  REQUIRE(after.load().ok());
  CHECK(after.journal().pending("storage_pools").empty());
  CHECK(after.journal().created_id("pool/pd1/sp1") == "sp-id-9");
  auto events = w.log->read_stream("reconciler/storage_pools", 2, 10);
  REQUIRE(events.ok());
  REQUIRE(events->size() == 1);
  CHECK(events->front().action_succeeded().resolved_at_startup());

  // Passes without actions do not refresh again; a pass that acted does, before the next.
  w.clock.advance(1h);
  rt.run_due();
  CHECK(order.size() == 3);
  CHECK(order.back() == "pass");
  pools.on_pass = [&](const auto&, auto& actions) {
    order.push_back("pass");
    (void)actions.perform(ActionRequest{"create_storage_pool", "pool/pd1/sp2", "k", ""},
                          [] { return Result<std::string>("id"); });
    return scaleio::reconcilers::PassOutcome{};
  };
  w.clock.advance(1h);
  rt.run_due();
  w.clock.advance(1h);
  rt.run_due();
  CHECK(order == std::vector<std::string>{"refresh", "pass", "pass", "pass", "refresh", "pass"});
}

TEST_CASE("a failed refresh does not stop the pass and is asked for again before the next") {
  World w;
  int refreshes = 0;
  RuntimeOptions options = periods(10s);
  options.refresh_observation = [&] {
    ++refreshes;
    return refreshes == 1 ? scaleio::unavailable("gateway down") : Status();
  };
  FakeReconciler nodes("nodes");
  Runtime rt = w.runtime({&nodes}, options);
  rt.run_due();
  CHECK(nodes.pass_count() == 1);
  CHECK(rt.status()[0].refresh_error.find("gateway down") != std::string::npos);
  w.clock.advance(10s);
  rt.run_due();
  CHECK(refreshes == 2);
  CHECK(rt.status()[0].refresh_error.empty());
  w.clock.advance(10s);
  rt.run_due();
  CHECK(refreshes == 2);
}

TEST_CASE("pause and resume through operator command events, also across a restart") {
  World w;
  FakeReconciler nodes("nodes"), pools("storage_pools");
  RecordingObserver observer;
  auto rt = std::make_unique<Runtime>(
      *w.log, w.clock, [] { return 0.5; }, periods(1h, 1h),
      std::vector<Reconciler*>{&nodes, &pools}, &observer);
  rt->run_due();
  w.pump(*rt);

  auto paused = append_operator_command(*w.log, w.clock, "pause", "nodes", "alice", "maintenance",
                                        rt->names());
  REQUIRE(paused.ok());
  auto stored = w.log->read_stream("operator", 1, 10);
  REQUIRE(stored->size() == 1);
  CHECK(stored->front().source() == scaleio::events::SOURCE_OPERATOR);
  CHECK(stored->front().operator_command().requested_by() == "alice");
  CHECK(stored->front().operator_command().reason() == "maintenance");
  CHECK(stored->front().timestamp_unix_ms() == w.clock.now_unix_ms());

  w.pump(*rt);  // the command wakes the loop it names
  CHECK(rt->run_due() == 1);
  CHECK(nodes.pass_count() == 1);  // paused: no pass
  auto st = rt->status();
  CHECK(st[0].paused);
  CHECK(st[0].last_result == "paused");
  CHECK(st[0].passes == 1);
  CHECK_FALSE(st[1].paused);
  CHECK(observer.finished_copy().back() == "nodes:paused");

  w.clock.advance(1h);
  CHECK(rt->run_due() == 2);
  CHECK(nodes.pass_count() == 1);  // still paused at its period
  CHECK(pools.pass_count() == 2);  // the others go on

  // Restart while paused: still paused.
  rt.reset();
  w.restart();
  rt = std::make_unique<Runtime>(
      *w.log, w.clock, [] { return 0.5; }, periods(1h, 1h),
      std::vector<Reconciler*>{&nodes, &pools}, &observer);
  CHECK(rt->run_due() == 2);
  CHECK(nodes.pass_count() == 1);
  CHECK(rt->status()[0].paused);

  REQUIRE(
      append_operator_command(*w.log, w.clock, "resume", "nodes", "alice", "", rt->names()).ok());
  w.pump(*rt);
  CHECK(rt->run_due() == 1);
  CHECK(nodes.pass_count() == 2);
  CHECK_FALSE(rt->status()[0].paused);
  CHECK(rt->status()[0].last_result == "success");
}

TEST_CASE("operator commands refuse unknown reconcilers and unknown commands") {
  World w;
  const std::vector<std::string> names = kNames;
  auto unknown = append_operator_command(*w.log, w.clock, "pause", "mdm", "bob", "", names);
  CHECK(unknown.status().code() == StatusCode::kNotFound);
  CHECK(unknown.status().message().find("storage_pools") != std::string::npos);
  CHECK(append_operator_command(*w.log, w.clock, "delete", "nodes", "bob", "", names)
            .status()
            .code() == StatusCode::kInvalidArgument);
  CHECK(append_operator_command(*w.log, w.clock, "pause", "nodes", "", "", names).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(w.log->last_sequence() == 0);  // nothing written
}

TEST_CASE("status and the observer report passes, results, errors, actions and drift") {
  World w;
  FakeReconciler nodes("nodes");
  RecordingObserver observer;
  int pass = 0;
  nodes.on_pass = [&](const auto&, auto& actions) {
    scaleio::reconcilers::PassOutcome o;
    ++pass;
    if (pass == 1) {
      o.drift.push_back({"node/h1", scaleio::observed::DriftKind::kMissing, "no task yet", 0});
      (void)actions.perform(ActionRequest{"launch_task", "node/h1", "k", ""},
                            [] { return Result<std::string>("t1"); });
      w.clock.advance(1500ms);  // the pass takes time
    } else if (pass == 2) {
      o.status = scaleio::aborted("conflict");
    } else {
      throw std::runtime_error("bug");
    }
    return o;
  };
  Runtime rt = w.runtime({&nodes}, periods(10s), &observer);
  const auto t0 = w.clock.now();
  rt.run_due();
  auto st = rt.status().at(0);
  CHECK(st.name == "nodes");
  CHECK(st.passes == 1);
  CHECK(st.last_result == "success");
  CHECK(st.actions_total == 1);
  REQUIRE(st.drift.size() == 1);
  CHECK(st.drift[0].resource == "node/h1");
  CHECK(st.last_pass_start == t0);
  CHECK(st.last_pass_end == t0 + 1500ms);
  CHECK(st.next_due == t0 + 1500ms + 10s);
  REQUIRE(observer.durations.size() == 1);
  CHECK(observer.durations[0] == Approx(1.5));

  w.clock.advance(10s);
  rt.run_due();
  st = rt.status().at(0);
  CHECK(st.last_result == "error");
  CHECK(st.last_error.find("conflict") != std::string::npos);
  CHECK(st.drift.empty());

  w.clock.advance(10s);
  rt.run_due();  // a reconciler that throws ends its pass in error, the runtime goes on
  st = rt.status().at(0);
  CHECK(st.last_result == "error");
  CHECK(st.last_error.find("bug") != std::string::npos);
  CHECK(st.passes == 3);
  CHECK(observer.started.size() == 3);
  CHECK(observer.finished ==
        std::vector<std::string>{"nodes:success", "nodes:error", "nodes:error"});
}

TEST_CASE("two reconcilers with one name are refused at construction") {
  World w;
  FakeReconciler a("nodes"), b("nodes");
  CHECK_THROWS_AS(w.runtime({&a, &b}), std::invalid_argument);
}

TEST_CASE("live state computes the plan, records it once, and loads from snapshots") {
  World w;
  w.append("agent/h1", agent_event("h1", true));
  LiveState live(*w.log, {});
  auto loaded = live.load();
  REQUIRE(loaded.ok());
  CHECK(loaded->from_snapshot.empty());
  CHECK(live.plan().nodes.count("h1") == 1);
  CHECK(*w.log->stream_version("plan") == 1);

  LiveState second(*w.log, {});
  REQUIRE(second.load().ok());
  CHECK(*w.log->stream_version("plan") == 1);  // same plan: not recorded again

  w.append("agent/h2", agent_event("h2", true));
  auto applied = live.catch_up();
  REQUIRE(applied.ok());
  CHECK(*applied == 2);  // the plan event and h2
  CHECK(live.plan().nodes.size() == 2);
  CHECK(*w.log->stream_version("plan") == 2);
  // Another loop catching up computes the same plan and records nothing.
  REQUIRE(second.catch_up().ok());
  CHECK(*w.log->stream_version("plan") == 2);
  CHECK(second.plan().content_hash() == live.plan().content_hash());

  REQUIRE(live.catch_up().ok());
  REQUIRE(live.save_snapshots().ok());
  w.append("reconciler/nodes", intent_event("nodes", "launch_task", "node/h2"));
  LiveState third(*w.log, {});
  auto from_snap = third.load();
  REQUIRE(from_snap.ok());
  CHECK(from_snap->from_snapshot.size() == 4);  // agents, mesos_tasks, observed, journal
  CHECK(from_snap->snapshot_problems.empty());
  CHECK(third.plan().nodes.size() == 2);
  CHECK(third.journal().pending("nodes").size() == 1);
  auto input = third.input(w.clock.now(), true);
  CHECK(input.last_sequence == w.log->last_sequence());
  CHECK(input.allow_removals);
  CHECK(&input.journal == &third.journal());
}

TEST_CASE("wake makes only the named loop's pass due at once (offers arrived for it)") {
  World w;
  FakeReconciler nodes("nodes"), pools("storage_pools");
  Runtime rt = w.runtime({&nodes, &pools}, periods(30s, 30s));
  CHECK(rt.run_due() == 2);
  w.clock.advance(1s);
  CHECK(rt.run_due() == 0);
  rt.wake("nodes");
  rt.wake("no_such_reconciler");  // ignored
  CHECK(rt.next_due() == w.clock.now());
  CHECK(rt.run_due() == 1);
  CHECK(nodes.pass_count() == 2);
  CHECK(pools.pass_count() == 1);
}
