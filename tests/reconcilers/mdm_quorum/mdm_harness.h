// An in-memory world around the MDM quorum reconciler: the simulated ScaleioWorld behind a
// direct GatewayClient, the shared FakeMesosDriver whose one-shot launches this harness runs
// against the world (RUNNING, then FINISHED or FAILED with scli's error), offers for every agent,
// and the projections (observed state, tasks, journal) folded from events numbered by one
// sequence, as the log would. A pass is what the runtime does: move the clock, let Mesos and the
// observer report, reconcile. After every pass the harness checks the world's quorum.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/action_journal.h"
#include "core/agents_projection.h"
#include "core/clock.h"
#include "core/mesos_tasks_projection.h"
#include "core/observed/observed_state.h"
#include "core/plan/plan.h"
#include "reconcilers/mdm_quorum/mdm_quorum_reconciler.h"
#include "reconcilers/offer_pool.h"
#include "sim/gateway/scaleio_world.h"
#include "tests/reconcilers/mdm_quorum/world_gateway.h"
#include "tests/reconcilers/nodes/fake_mesos_driver.h"

namespace scaleio::reconcilers::testing {

// Records intents and outcomes into a journal (and a list, to check their order), with a simple
// exponential backoff; can "crash" between an action and its outcome.
class MemoryExecutor final : public ActionExecutor {
 public:
  MemoryExecutor(ActionJournal& journal, uint64_t& sequence, const Clock& clock)
      : journal_(journal), sequence_(sequence), clock_(clock) {}
  Result<std::string> perform(const ActionRequest& request,
                              const std::function<Result<std::string>()>& run) override;
  Status resolve(const events::ActionStarted& intent, bool done,
                 const std::string& result) override;
  void crash_after_next_run() { crash_next_ = true; }
  const std::vector<events::Envelope>& events() const { return events_; }

 private:
  void append(events::Envelope e);
  ActionJournal& journal_;
  uint64_t& sequence_;
  const Clock& clock_;
  bool crash_next_ = false;
  std::vector<events::Envelope> events_;
};

class MdmHarness {
 public:
  explicit MdmHarness(MdmQuorumSettings settings = default_settings());
  static MdmQuorumSettings default_settings();

  // --- hosts and the plan ---------------------------------------------------------------------
  // A host in the plan (persona "primary", "secondary", "tiebreaker", "data" or "" for none).
  void add_host(const std::string& host, const std::string& ip, const std::string& persona);
  void set_persona(const std::string& host, const std::string& persona);
  void remove_host(const std::string& host);  // the agent leaves (the plan drops it)
  // The node task runs and the host's MDM package is installed.
  void install(const std::string& host);
  const plan::Plan& plan() const { return plan_; }
  std::string agent_id(const std::string& host) const { return "agent-" + host; }

  // --- passes -----------------------------------------------------------------------------------
  PassOutcome pass(Clock::Duration advance = std::chrono::seconds(5));
  // Passes until the world's cluster matches the plan's personas in ClusteredNormal (true) or
  // `max_passes` ran (false).
  bool converge(int max_passes, Clock::Duration advance = std::chrono::seconds(5));
  bool matches_plan() const;
  // Passes that ended with a cluster but without quorum (must stay 0).
  int passes_without_quorum() const { return passes_without_quorum_; }

  sim::ScaleioWorld& world() { return world_; }
  ManualClock& clock() { return clock_; }
  WorldGateway& gateway() { return gateway_; }
  scaleio::testing::FakeMesosDriver& driver() { return driver_; }
  MemoryExecutor& executor() { return executor_; }
  MdmQuorumReconciler& reconciler() { return *reconciler_; }
  const ActionJournal& journal() const { return journal_; }
  const MesosTasksProjection& tasks() const { return tasks_; }
  const observed::ObservedState& observed() const { return observed_; }
  // A fresh reconciler (in-memory state lost), as after an operator restart.
  void restart();
  // Makes the next one-shot task fail (as scli would, with this message).
  void fail_next_task(const std::string& message) { fail_next_task_ = message; }

  // The world's members by role: {"master": [...hosts], "slave": [...], ...} (by node IP).
  std::map<std::string, std::vector<std::string>> roles() const;
  std::string host_of_ip(const std::string& ip) const;

 private:
  void apply(events::Envelope e);
  void rebuild_plan();
  void run_launched_tasks();
  void observe();
  void offer_everything();

  MdmQuorumSettings settings_;
  ManualClock clock_;
  sim::ScaleioWorld world_;
  WorldGateway gateway_;
  scaleio::testing::FakeMesosDriver driver_;
  OfferPool offers_;
  uint64_t sequence_ = 0;
  ActionJournal journal_;
  MesosTasksProjection tasks_;
  AgentsProjection agents_projection_;
  observed::ObservedState observed_;
  MemoryExecutor executor_;
  std::unique_ptr<MdmQuorumReconciler> reconciler_;

  std::map<std::string, std::pair<std::string, std::string>> hosts_;  // host -> (ip, persona)
  plan::Plan plan_;
  size_t launches_run_ = 0;
  std::vector<mesos::TaskLaunch> running_;  // one-shots reported RUNNING, to finish next pass
  std::string fail_next_task_;
  int offer_counter_ = 0;
  int passes_without_quorum_ = 0;
};

}  // namespace scaleio::reconcilers::testing
