// The threaded runtime: each loop on its own thread, woken through its log subscription; a pass
// never overlaps itself; stop() is bounded. Assertions run on the main thread only.
#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "reconcilers/runtime/threaded_runtime.h"
#include "tests/reconcilers/runtime/runtime_fakes.h"
#include "tests/support/temp_dir.h"

using scaleio::ExpectedVersion;
using scaleio::ManualClock;
using scaleio::eventlog::RocksEventLog;
using scaleio::reconcilers::Reconciler;
using scaleio::reconcilers::RuntimeOptions;
using scaleio::reconcilers::ThreadedRuntime;
using namespace scaleio::testing;
using namespace std::chrono_literals;

namespace {

RuntimeOptions long_periods() {
  RuntimeOptions o;
  o.default_period = 1h;  // on a manual clock that never moves: only wake-ups cause passes
  o.idle_wait = 50ms;
  return o;
}

}  // namespace

TEST_CASE("threaded loops wake on appended events, each independently") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  FakeReconciler nodes("nodes"), pools("storage_pools");
  pools.wakes = [](const scaleio::Envelope& e) { return e.has_task_status_observed(); };
  RecordingObserver observer;
  ThreadedRuntime rt(
      *log, clock, [] { return 0.5; }, long_periods(), {&nodes, &pools}, &observer);
  rt.start();
  REQUIRE(eventually([&] { return nodes.pass_count() == 1 && pools.pass_count() == 1; }));

  REQUIRE(log->append("agent/h1", ExpectedVersion::any(), one_event(agent_event("h1"))).ok());
  REQUIRE(eventually([&] { return nodes.pass_count() == 2; }));
  REQUIRE(log->append("task/t1", ExpectedVersion::any(), one_event(task_status_event("t1"))).ok());
  REQUIRE(eventually([&] { return pools.pass_count() == 2; }));
  rt.stop();
  CHECK(nodes.pass_count() == 2);  // the task status did not wake nodes
  CHECK(pools.pass_count() == 2);  // the agent did not wake storage_pools
  auto st = rt.status();
  REQUIRE(st.size() == 2);
  CHECK(st[0].passes == 2);
  CHECK(st[1].passes == 2);
  CHECK(observer.finished_copy().size() == 4);
}

TEST_CASE("a pass never overlaps itself under rapid wake-ups") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  FakeReconciler nodes("nodes");
  nodes.on_pass = [](const auto&, auto&) {
    std::this_thread::sleep_for(5ms);  // a slow pass (the work, not synchronisation)
    return scaleio::reconcilers::PassOutcome{};
  };
  ThreadedRuntime rt(*log, clock, [] { return 0.5; }, long_periods(), {&nodes});
  rt.start();
  std::atomic<bool> writing{true};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; writing && i < 5000; ++i) {
      if (log->append("agent/h" + std::to_string(i % 7), ExpectedVersion::any(),
                      one_event(agent_event("h" + std::to_string(i % 7))))
              .ok()) {
        ++written;
      }
    }
  });
  const bool enough = eventually([&] { return nodes.pass_count() >= 10; });
  writing = false;
  writer.join();
  // After the writer stops, the last events still wake one more pass, which sees them all.
  const uint64_t last = log->last_sequence();
  const bool saw_all = eventually([&] {
    auto passes = nodes.passes();
    return !passes.empty() && passes.back().last_sequence >= last;
  });
  rt.stop();
  CHECK(enough);
  CHECK(saw_all);
  CHECK(written > 0);
  CHECK(nodes.max_concurrent_passes() == 1);
  // Wake-ups coalesce: far fewer passes than events.
  CHECK(nodes.pass_count() < static_cast<size_t>(written.load()));
}

TEST_CASE("stop() is bounded when idle and lets a running pass finish") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;
  FakeReconciler idle("nodes"), slow("storage_pools");
  std::atomic<bool> in_slow_pass{false};
  std::atomic<int> slow_finished{0};
  slow.wakes = [](const scaleio::Envelope& e) { return e.has_task_status_observed(); };
  slow.on_pass = [&](const auto&, auto&) {
    in_slow_pass = true;
    std::this_thread::sleep_for(300ms);  // the pass's work
    ++slow_finished;
    return scaleio::reconcilers::PassOutcome{};
  };
  ThreadedRuntime rt(*log, clock, [] { return 0.5; }, long_periods(), {&idle, &slow});
  rt.start();
  REQUIRE(eventually([&] { return idle.pass_count() == 1 && slow_finished == 1; }));

  in_slow_pass = false;
  REQUIRE(log->append("task/t1", ExpectedVersion::any(), one_event(task_status_event("t1"))).ok());
  REQUIRE(eventually([&] { return in_slow_pass.load(); }));
  const auto t0 = std::chrono::steady_clock::now();
  rt.stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(slow_finished == 2);  // the pass in progress finished
  CHECK(took < 2s);           // at most that pass plus one idle wait
  rt.stop();                  // twice is harmless

  ThreadedRuntime never_started(*log, clock, [] { return 0.5; }, long_periods(), {&idle});
  never_started.stop();
}
