// One observation per wave of passes: the ObservationRefresher alone (threads asking while a poll
// is under way) and inside the steppable runtime (loops that acted one after another), always
// with the rule it exists to keep: a pass never reads an observation older than its last action.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "eventlog/rocks_event_log.h"
#include "reconcilers/runtime/observation_refresher.h"
#include "reconcilers/runtime/runtime.h"
#include "tests/reconcilers/runtime/runtime_fakes.h"
#include "tests/support/temp_dir.h"

using scaleio::Envelope;
using scaleio::ExpectedVersion;
using scaleio::ManualClock;
using scaleio::Result;
using scaleio::Status;
using scaleio::eventlog::RocksEventLog;
using scaleio::reconcilers::ActionExecutor;
using scaleio::reconcilers::ActionRequest;
using scaleio::reconcilers::ObservationRefresher;
using scaleio::reconcilers::PassOutcome;
using scaleio::reconcilers::ReconcileInput;
using scaleio::reconcilers::Reconciler;
using scaleio::reconcilers::Runtime;
using scaleio::reconcilers::RuntimeOptions;
using namespace scaleio::testing;
using namespace std::chrono_literals;

namespace {

// A poll that blocks until the test lets it finish, so that others can ask meanwhile.
class GatedPoll {
 public:
  Status operator()() {
    std::unique_lock lock(mu_);
    const int number = ++entered_;
    cv_.wait(lock, [&] { return released_ >= number; });
    return Status();
  }
  void release(int up_to) {
    std::lock_guard lock(mu_);
    released_ = up_to;
    cv_.notify_all();
  }
  int entered() const {
    std::lock_guard lock(mu_);
    return entered_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int entered_ = 0;
  int released_ = 0;
};

}  // namespace

TEST_CASE("refresher: asks made while a poll is under way share the next poll, not that one") {
  GatedPoll gate;
  ObservationRefresher refresher([&] { return gate(); });
  std::atomic<int> done_a{0}, done_b{0}, done_c{0};

  const auto first = refresher.ticket();
  std::thread a([&] { done_a = refresher.refresh(first).ok() ? 1 : 2; });
  REQUIRE(eventually([&] { return gate.entered() == 1; }));
  // B and C acted while poll 1 was reading the gateway: it may not show what they did.
  const auto later = refresher.ticket();
  CHECK(later > first);
  std::thread b([&] { done_b = refresher.refresh(later).ok() ? 1 : 2; });
  std::thread c([&] { done_c = refresher.refresh(later).ok() ? 1 : 2; });
  REQUIRE(eventually([&] { return refresher.waiting() == 2; }));

  gate.release(1);
  REQUIRE(eventually([&] { return done_a.load() == 1; }));
  // One of B, C polls again; the other waits for that poll.
  REQUIRE(eventually([&] { return gate.entered() == 2 && refresher.waiting() == 1; }));
  CHECK(done_b.load() == 0);
  CHECK(done_c.load() == 0);

  gate.release(2);
  a.join();
  b.join();
  c.join();
  CHECK(done_b.load() == 1);
  CHECK(done_c.load() == 1);
  CHECK(refresher.polls() == 2);  // three asks, two polls
  // Nothing acted since: no poll.
  CHECK(refresher.refresh(later).ok());
  CHECK(refresher.polls() == 2);
}

TEST_CASE("refresher: a failed poll serves nobody, the next ask polls again") {
  int polls = 0;
  ObservationRefresher refresher([&] {
    ++polls;
    return polls == 1 ? scaleio::unavailable("log refused") : Status();
  });
  const auto t = refresher.ticket();
  CHECK(refresher.refresh(t).code() == scaleio::StatusCode::kUnavailable);
  CHECK(refresher.refresh(t).ok());
  CHECK(polls == 2);
  CHECK(refresher.refresh(t).ok());
  CHECK(polls == 2);
}

TEST_CASE("a wave of passes that acted costs one observation, never older than their actions") {
  TempDir dir;
  auto log = std::move(RocksEventLog::open(dir.path())).value();
  ManualClock clock;

  // Each observation appends one event; its sequence tells which passes can have read it.
  std::vector<uint64_t> observed_at;
  RuntimeOptions options;
  options.default_period = 10s;
  options.refresh_observation = [&]() -> Status {
    Envelope seen;
    seen.set_source(scaleio::events::SOURCE_OBSERVER);
    seen.mutable_gateway_reachable()->set_version(std::to_string(observed_at.size()));
    auto appended = log->append("scaleio/gateway", ExpectedVersion::any(), one_event(seen));
    if (!appended.ok()) return appended.status();
    observed_at.push_back(appended->last_sequence);
    return Status();
  };

  // Four loops that act in every pass; each checks that its input holds an observation made
  // after its previous action.
  std::map<std::string, uint64_t> last_action_at;
  std::vector<std::string> stale;
  auto acting = [&](const std::string& name) {
    return [&, name](const ReconcileInput& in, ActionExecutor& actions) {
      if (auto it = last_action_at.find(name); it != last_action_at.end()) {
        bool fresh = false;
        for (uint64_t s : observed_at) fresh = fresh || (s > it->second && s <= in.last_sequence);
        if (!fresh) stale.push_back(name);
      }
      (void)actions.perform(ActionRequest{"create", name + "/x", name, ""},
                            [] { return Result<std::string>("id"); });
      last_action_at[name] = log->last_sequence();
      return PassOutcome{};
    };
  };
  FakeReconciler nodes("nodes"), mdm("mdm_quorum"), pools("storage_pools"), sdc("sdc_mappings");
  for (FakeReconciler* r : {&nodes, &mdm, &pools, &sdc})
    r->on_pass = acting(std::string(r->name()));
  Runtime rt(
      *log, clock, [] { return 0.5; }, options,
      std::vector<Reconciler*>{&nodes, &mdm, &pools, &sdc});

  for (int wave = 1; wave <= 5; ++wave) {
    INFO("wave " << wave);
    CHECK(rt.run_due() == 4);
    // Four loops acted (or started): one observation before the wave's passes, not four.
    CHECK(observed_at.size() == static_cast<size_t>(wave));
    clock.advance(10s);
  }
  CHECK(stale.empty());
  CHECK(nodes.pass_count() == 5);
  CHECK(sdc.pass_count() == 5);

  // Passes that did not act ask for nothing.
  for (FakeReconciler* r : {&nodes, &mdm, &pools, &sdc}) r->on_pass = nullptr;
  CHECK(rt.run_due() == 4);  // still one for the last wave's actions
  CHECK(observed_at.size() == 6);
  clock.advance(10s);
  CHECK(rt.run_due() == 4);
  CHECK(observed_at.size() == 6);
}
