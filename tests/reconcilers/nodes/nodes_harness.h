// The nodes reconciler over a real event log in a temporary directory and the runtime's
// JournaledExecutor: the fake driver appends
// TaskLaunchRequested as the adapter does, tests append TaskStatusObserved, AgentObserved and
// gateway observations, and every pass folds the log into the projections first, as the runtime
// does. restart() throws away everything but the log.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/action_journal.h"
#include "core/agents_projection.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/observed_state.h"
#include "core/plan/plan.h"
#include "eventlog/rocks_event_log.h"
#include "reconcilers/nodes/nodes_reconciler.h"
#include "reconcilers/offer_pool.h"
#include "reconcilers/runtime/journaled_executor.h"
#include "tests/reconcilers/nodes/fake_mesos_driver.h"
#include "tests/support/temp_dir.h"

namespace scaleio::testing {

using Attributes = std::vector<std::pair<std::string, std::string>>;

// primary mdm1, secondary mdm2, tie-breaker tb1 and data1..3; each runs an SDS in pd1/sp1 and an
// SDC. IPs 10.0.0.1..6 in that order.
std::map<std::string, Attributes> six_node_cluster();

reconcilers::NodesSettings test_settings();

// The runtime's executor with a backoff of 10 s doubling per failure and no jitter.
inline constexpr Clock::Duration kTestBackoffBase = std::chrono::seconds(10);

class NodesHarness {
 public:
  explicit NodesHarness(reconcilers::NodesSettings settings = test_settings());

  // Observations, appended to the log.
  void agent(const std::string& host, const Attributes& attributes, bool active = true);
  void agents(const std::map<std::string, Attributes>& cluster);
  void status(const std::string& task_id, const std::string& state);
  void gateway_reachable();
  // An MDM cluster in `state` whose managers and tie-breaker are mdm1, mdm2 and tb1.
  void mdm_cluster(const std::string& state);
  void sds(const std::string& id, const std::string& name, const std::string& ip);
  void sds_gone(const std::string& id);

  // Any other event, appended as an observer would.
  void append(const std::string& stream, Envelope event);

  // An offer with room for any node task from the agent of `host`.
  void offer(const std::string& host);
  void offer_all();

  // One pass as the runtime runs it: fold the log, build the plan, reconcile, fold again.
  reconcilers::PassOutcome pass();
  // A fresh driver, pool, executor, reconciler and projections over the same log.
  void restart(reconcilers::NodesSettings settings);
  void restart() { restart(settings_); }

  // Launched tasks by host (the last one launched for each host in this driver's lifetime).
  std::map<std::string, mesos::TaskLaunch> launched_by_host() const;
  // The task ids the projection knows for `host`, sorted.
  std::vector<std::string> task_ids(const std::string& host) const;
  const KnownTask* latest_task(const std::string& host) const;
  // Marks every launched task of this driver RUNNING.
  void run_all_launched();

  std::string agent_id(const std::string& host) const { return "agent-" + host; }
  std::string ip(const std::string& host) const { return ips_.at(host); }

  ManualClock clock;
  std::unique_ptr<FakeMesosDriver> driver;
  std::unique_ptr<reconcilers::OfferPool> pool;
  plan::Plan plan;
  AgentsProjection agents_seen;
  MesosTasksProjection tasks;
  ActionJournal journal;
  observed::ObservedState observed;

 private:
  void fold();

  TempDir dir_;
  std::unique_ptr<eventlog::RocksEventLog> log_;
  reconcilers::NodesSettings settings_;
  std::unique_ptr<reconcilers::JournaledExecutor> executor_;
  std::unique_ptr<reconcilers::NodesReconciler> reconciler_;
  uint64_t folded_ = 0;
  uint64_t passes_ = 0;
  std::map<std::string, std::string> ips_;
  int offers_made_ = 0;
};

}  // namespace scaleio::testing
