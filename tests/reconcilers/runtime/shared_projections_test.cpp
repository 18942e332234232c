// SharedProjections: one fold for every loop, handed out as versions that never change.
#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "reconcilers/runtime/live_state.h"
#include "reconcilers/runtime/shared_projections.h"
#include "tests/reconcilers/runtime/runtime_fakes.h"

using scaleio::reconcilers::LiveState;
using scaleio::reconcilers::ProjectionsVersion;
using scaleio::reconcilers::SharedProjections;
using namespace scaleio::testing;

namespace {

struct Log : TempLog {
  void launch(const std::string& task) { append("task/" + task, task_launch_event(task, "S1")); }
  void sds(const std::string& id) { append("scaleio/gateway", sds_event(id)); }
};

struct Saved {
  std::string agents, tasks, observed, plan;
  explicit Saved(const ProjectionsVersion& v)
      : agents(v.agents->save()),
        tasks(v.tasks->save()),
        observed(v.observed->save()),
        plan(v.plan->to_json().dump()) {}
  bool operator==(const Saved&) const = default;
};

}  // namespace

TEST_CASE("a version handed out never changes, and what did not change is shared, not copied") {
  Log w;
  w.append("node/h1", agent_event("h1", true));
  w.launch("t1");
  w.sds("sds1");
  SharedProjections hub(*w.log, {});
  auto first = hub.latest();
  REQUIRE(first.ok());
  const Saved before(*first);
  CHECK(first->tasks->tasks().size() == 1);

  SECTION("a task event: a new tasks projection, the others the same objects") {
    w.launch("t2");
    auto second = hub.latest();
    REQUIRE(second.ok());
    CHECK(Saved(*first) == before);
    CHECK(second->tasks->tasks().size() == 2);
    CHECK(second->tasks != first->tasks);
    CHECK(second->agents == first->agents);
    CHECK(second->observed == first->observed);
    CHECK(second->plan == first->plan);
    CHECK(second->analysis == first->analysis);  // plan and observed unchanged: one analysis
    CHECK(second->sequence > first->sequence);
  }
  SECTION("an observation and a new agent: new observed state, agents, plan and analysis") {
    w.sds("sds2");
    w.append("node/h2", agent_event("h2", true));
    auto second = hub.latest();
    REQUIRE(second.ok());
    CHECK(Saved(*first) == before);
    CHECK(second->observed->state().sdss.size() == 2);
    CHECK(second->agents->agents().size() == 2);
    CHECK(second->plan->nodes.size() == first->plan->nodes.size() + 1);
    CHECK(second->tasks == first->tasks);
    CHECK(second->analysis != first->analysis);
  }
  SECTION("nothing new: the same version") {
    // (The first call recorded the plan: one more event, which none of the three folds.)
    REQUIRE(hub.latest().ok());
    first = hub.latest();
    REQUIRE(first.ok());
    auto again = hub.latest();
    REQUIRE(again.ok());
    CHECK(again->sequence == first->sequence);
    CHECK(again->observed == first->observed);
  }
}

TEST_CASE("loops sharing projections compute one drift analysis between changes") {
  Log w;
  w.append("node/h1", agent_event("h1", true));
  w.sds("sds1");
  auto hub = std::make_shared<SharedProjections>(*w.log, scaleio::plan::ClusterSettings{});
  LiveState storage(hub, "storage_pools");
  LiveState sdc(hub, "sdc_mappings");
  LiveState api(hub);
  REQUIRE(storage.catch_up().ok());
  REQUIRE(sdc.catch_up().ok());
  REQUIRE(api.catch_up().ok());
  const auto now = scaleio::Clock::TimePoint{};
  const auto* a = &storage.input(now, false).analysis();
  const auto* b = &sdc.input(now, false).analysis();
  CHECK(a == b);
  CHECK(hub->analyses_computed() == 1);
  CHECK(&storage.observed() == &api.observed());  // one observed state, not three

  w.sds("sds2");
  REQUIRE(sdc.catch_up().ok());
  CHECK(sdc.observed().sdss.size() == 2);
  CHECK(storage.observed().sdss.size() == 1);  // until it catches up: its pass's view is kept
  CHECK(sdc.input(now, false).analysis().items() ==
        scaleio::observed::drift(sdc.plan(), sdc.observed()));
  CHECK(hub->analyses_computed() == 2);
  storage.release_projections();
  REQUIRE(storage.catch_up().ok());
  CHECK(&storage.input(now, false).analysis() == &sdc.input(now, false).analysis());
  CHECK(hub->analyses_computed() == 2);
}

TEST_CASE("threads folding and reading versions while events are appended see consistent views") {
  // Four readers (as the loops) take versions while a writer appends launches; a version's tasks
  // projection must hold exactly the launches up to its sequence, and must not change later.
  Log w;
  w.append("node/h1", agent_event("h1", true));
  SharedProjections hub(*w.log, {});
  REQUIRE(hub.latest().ok());  // loads, and records the plan
  const uint64_t base = w.log->last_sequence();
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::atomic<int> versions{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done) {
        auto v = hub.latest();
        if (!v.ok()) {
          ++bad;
          continue;
        }
        const size_t tasks = v->tasks->tasks().size();
        if (tasks != v->sequence - base) ++bad;  // one launch per event after the agent
        std::this_thread::yield();
        if (v->tasks->tasks().size() != tasks) ++bad;  // a version never changes
        ++versions;
      }
    });
  }
  for (int i = 0; i < 300; ++i) w.launch("t" + std::to_string(i));
  done = true;
  for (auto& t : readers) t.join();
  CHECK(bad == 0);
  CHECK(versions > 0);
  auto last = hub.latest();
  REQUIRE(last.ok());
  CHECK(last->tasks->tasks().size() == 300);
}
