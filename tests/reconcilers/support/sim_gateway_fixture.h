// Everything a reconciler test needs around a reconciler, all real: the
// simulated ScaleIO world behind the real gateway client (in-process, on a ManualClock), the real
// gateway observer appending to a real RocksDB log in a temporary directory, the action journal
// folded from that log, and the runtime's JournaledExecutor (wrapped to record requests and to
// simulate crashes).
//
// A pass is what the runtime does: observe (poll once), fold the new events, reconcile.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/scaleio/gateway_observer.h"
#include "adapters/scaleio/http_gateway_client.h"
#include "core/action_journal.h"
#include "core/agents_projection.h"
#include "core/events.pb.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/observed_state.h"
#include "core/plan/plan.h"
#include "eventlog/rocks_event_log.h"
#include "reconcilers/reconciler.h"
#include "sim/in_process/sim_gateway_world.h"
#include "tests/reconcilers/support/recording_executor.h"
#include "tests/support/temp_dir.h"

namespace scaleio::reconcilers::testing {

// An agent with TEXT attributes, as the Mesos adapter records it.
events::AgentObserved agent(const std::string& host, const std::string& ip,
                            const std::map<std::string, std::string>& attributes);
// plan::build_plan with default settings.
plan::Plan plan_of(const std::vector<events::AgentObserved>& agents);

class SimGatewayFixture {
 public:
  explicit SimGatewayFixture(std::string reconciler, sim::SimGatewayWorldOptions options = {});
  ~SimGatewayFixture();

  // --- the world ------------------------------------------------------------------------------
  sim::SimGatewayWorld& sim() { return sim_; }
  sim::ScaleioWorld& world() { return sim_.world(); }
  ManualClock& clock() { return sim_.clock(); }
  gateway::HttpGatewayClient& client() { return *client_; }
  // Installs every planned node's packages (its roles), pointing at the planned MDM IPs, and
  // records the host's node task as running (what the reconcilers see of an installed node).
  // `device_capacity_kb` applies to every SDS device path of the plan (0 = the world's default).
  void install_nodes(const plan::Plan& plan, int64_t device_capacity_kb = 0);
  void install_node(const plan::Plan& plan, const std::string& host,
                    int64_t device_capacity_kb = 0);
  // Forms the planned MDM cluster (one or three nodes) with scli, as the quorum reconciler would.
  void form_mdm_cluster(const plan::Plan& plan);

  // --- the log ----------------------------------------------------------------------------------
  EventStore& log() { return *log_; }
  // One observer poll (appends what changed) and the new events folded into the journal.
  void observe();
  const observed::ObservedState& observed() const { return observed_; }
  const ActionJournal& journal() const { return journal_; }
  RecordingExecutor& executor() { return *executor_; }
  // Folds events appended since the last call into the journal.
  void catch_up();
  // A restart: the journal is rebuilt from the whole log.
  void rebuild_journal();

  // --- passes -----------------------------------------------------------------------------------
  // observe(), then reconcile().
  PassOutcome pass(Reconciler& reconciler, const plan::Plan& plan, bool allow_removals = false);
  // One pass over the last observation at the clock's time; its events are folded in after.
  PassOutcome reconcile(Reconciler& reconciler, const plan::Plan& plan,
                        bool allow_removals = false);
  // Passes until one takes no action and leaves no missing item, moving the clock by `step`
  // before each pass; returns the number of passes (max_passes + 1 when it never settled).
  int converge(Reconciler& reconciler, const plan::Plan& plan, int max_passes, Clock::Duration step,
               bool allow_removals = false);

 private:
  scaleio::testing::TempDir dir_;
  sim::SimGatewayWorld sim_;
  std::unique_ptr<gateway::HttpGatewayClient> client_;
  std::unique_ptr<eventlog::RocksEventLog> log_;
  std::unique_ptr<gateway::GatewayObserver> observer_;
  observed::ObservedState observed_;
  ActionJournal journal_;
  uint64_t journal_sequence_ = 0;
  std::unique_ptr<RecordingExecutor> executor_;
  int passes_ = 0;
  MesosTasksProjection tasks_;
  AgentsProjection agents_;
};

// Counts of objects in the simulated world (to prove nothing was created twice).
struct WorldCounts {
  size_t domains = 0, fault_sets = 0, pools = 0, sdss = 0, devices = 0, sdcs = 0, volumes = 0;
};
WorldCounts count(const sim::ScaleioWorld& world);

}  // namespace scaleio::reconcilers::testing
